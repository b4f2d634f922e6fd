package io.herald.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code herald --version}: the version the runnable jar's manifest carries. */
final class HeraldVersion implements IVersionProvider {

    /** The version, or {@code (development build)} when not run from the packaged jar. */
    static String version() {
        String version = HeraldCommand.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"herald " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"};
    }
}
