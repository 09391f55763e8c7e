package dev.tern.config;

import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where a setting comes from when its flag is not given: the environment variable {@code TERN_<NAME>} (for
 * {@code --data-dir}: {@code TERN_DATA_DIR}), then the config file ({@code data-dir = ./data}, Java properties
 * syntax), then the option's own default.
 */
public final class SettingSources implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> environment;
    private final Properties file;

    public SettingSources(Map<String, String> environment, Path configFile) {
        this.environment = environment;
        this.file = new Properties();
        if (configFile != null) {
            try (Reader reader = Files.newBufferedReader(configFile)) {
                file.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + configFile, e);
            }
        }
    }

    /** The config file named by {@code --config FILE} in the arguments, else by {@code TERN_CONFIG}, else none. */
    public static Path configFile(String[] args, Map<String, String> environment) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        String fromEnvironment = environment.get("TERN_CONFIG");
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : Path.of(fromEnvironment);
    }

    public static String environmentName(String longOption) {
        return "TERN_" + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option) || option.longestName().equals("--config")) {
            return argSpec.defaultValue();
        }
        String fromEnvironment = environment.get(environmentName(option.longestName()));
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        String fromFile = file.getProperty(option.longestName().replaceFirst("^--", ""));
        return fromFile != null ? fromFile.trim() : argSpec.defaultValue();
    }
}
