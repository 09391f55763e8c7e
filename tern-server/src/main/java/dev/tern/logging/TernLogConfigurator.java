package dev.tern.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration at startup, found through {@code META-INF/services}: the text format, with no XML file
 * to parse. {@code tern serve --log-format json} replaces it before the server starts.
 */
public final class TernLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogFormat.TEXT.configure(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
