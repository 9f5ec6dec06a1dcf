package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.formats.ProducerRecord;
import com.mantissa.stance.sync.formats.ProducerRecords;
import com.mantissa.stance.sync.model.Provider;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The findings that events of one account carry (Security Hub's "Findings - Imported"), mapped as
 * a producer file's are ({@link ProducerRecords}) and pushed by one sync as ordinary Stance
 * findings and assets. An event holds a few findings, not a scan of the account: the push writes
 * no status and runs no resolve pass, whatever the settings say. A finding that cannot be mapped
 * (another account's, a field with a bad value) is one error naming the event, the element, the
 * field and the value, and the others land.
 */
final class ImportedFindings {
    private final String account;
    private final List<Map<String, Object>> findings = new ArrayList<>();
    private final List<Map<String, Object>> assets = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    ImportedFindings(String account) {
        this.account = account;
    }

    /** Reads the findings of one event. */
    void add(FunctionEvent event) {
        byte[] json = event.imported().json().getBytes(StandardCharsets.UTF_8);
        try (ProducerRecords records = ProducerRecords.open(new ByteArrayInputStream(json), event.object(),
                event.imported().format(), account, Provider.AWS.value())) {
            while (records.hasNext()) {
                ProducerRecord r = records.next();
                if (r.isError()) {
                    errors.add(r.error());
                    continue;
                }
                r.warnings().forEach(w -> warnings.add(r.origin() + ": " + w));
                (r.kind() == ProducerRecord.Kind.ASSET ? assets : findings).add(r.raw());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing an in-memory event", e);
        }
    }

    /** Pushes what the events held with {@code push} (a push without resolve pass); the mapping's errors added. */
    SyncResult push(CrossCloudSync push) {
        push.addLocalFindings(findings, account, Provider.AWS.value());
        push.addLocalAssets(assets, account, Provider.AWS.value());
        SyncResult pushed = push.sync();
        return pushed.plus(new SyncResult(0, 0, 0, errors, 0, SyncDirection.PUSH, 0, warnings), SyncDirection.PUSH);
    }
}
