package io.herald.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code herald --version}: the version the runnable jar's manifest carries. */
final class HeraldVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = HeraldCommand.class.getPackage().getImplementationVersion();
        return new String[] {"herald " + (version == null ? "(development build)" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"};
    }
}
