package dev.tern.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes on the command line: {@code 1048576}, {@code 512k}, {@code 256m}, {@code 2g} (powers of 1024). */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,18})([kmg]i?b?|b)?");

    @Override
    public Long convert(String value) {
        Matcher matcher = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 1048576, 512k, 256m or 2g");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "b" : matcher.group(2).substring(0, 1);
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too large");
        }
        return amount << shift;
    }
}
