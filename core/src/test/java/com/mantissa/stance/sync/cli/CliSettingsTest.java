package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.mantissa.stance.sync.settings.Setting;
import com.mantissa.stance.sync.settings.Settings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The CLI's flags are the settings table's: every flag it names exists, with the table's default. */
class CliSettingsTest {

    @Test
    void everyFlagOfTheSettingsTableIsAnOptionWithTheTablesDefault() {
        List<OptionSpec> options = new ArrayList<>();
        for (Class<?> command : StanceSyncCli.SUBCOMMANDS) {
            options.addAll(new CommandLine(command).getCommandSpec().options());
        }
        for (Setting<?> setting : Settings.ALL) {
            if (setting.flag() == null) {
                continue;
            }
            List<OptionSpec> named = options.stream().filter(o -> List.of(o.names()).contains(setting.flag())).toList();
            assertFalse(named.isEmpty(), "no command has " + setting.flag());
            for (OptionSpec option : named) {
                if (option.arity().max() == 0 || option.defaultValue() == null || setting.defaultText() == null) {
                    continue; // a switch, or no default on one side: nothing to compare
                }
                assertEquals(setting.defaultValue(), setting.parse(option.defaultValue(), setting.flag()),
                        setting.flag() + " of " + option.command().name());
            }
        }
    }
}
