package dev.tern;

import dev.tern.cli.CacheCommand;
import dev.tern.cli.CertCommand;
import dev.tern.cli.KeyCommand;
import dev.tern.cli.SecretCommand;
import dev.tern.cli.PublishCommand;
import dev.tern.cli.ServeCommand;
import dev.tern.cli.SubscribeCommand;
import dev.tern.cli.TokenCommand;
import dev.tern.cli.WebhookCommand;
import dev.tern.config.SettingSources;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tern} command. */
@Command(name = "tern", mixinStandardHelpOptions = true, version = "tern 0.1.0",
        description = "A self-hosted pub/sub server that speaks Momento Topics.",
        subcommands = {ServeCommand.class, CacheCommand.class, TokenCommand.class, KeyCommand.class, SecretCommand.class,
                PublishCommand.class, SubscribeCommand.class, CertCommand.class, WebhookCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The command line with settings resolved from flags, environment and config file. */
    public static CommandLine commandLine(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setDefaultValueProvider(new SettingSources(System.getenv(), SettingSources.configFile(args, System.getenv())));
        return commandLine;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
