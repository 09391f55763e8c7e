package dev.tern.cli;

import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A command that talks to a running server; prints the server's error and exits 1 when a call fails. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Override
    public final Integer call() throws Exception {
        try {
            run(new TernClient(client));
            return 0;
        } catch (TernClient.ApiError | IllegalStateException e) {
            System.err.println("tern: " + e.getMessage());
            return 1;
        } catch (java.net.ConnectException e) {
            System.err.println("tern: cannot connect to " + client.baseUri() + " (is the server running?)");
            return 1;
        }
    }

    abstract void run(TernClient client) throws Exception;
}
