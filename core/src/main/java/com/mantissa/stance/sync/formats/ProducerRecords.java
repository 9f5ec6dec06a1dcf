package com.mantissa.stance.sync.formats;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The records of one producer file, streamed: each element of an OCSF or ASFF file gives its
 * finding, then an asset for each resource not seen earlier in the file; an element that cannot
 * be read or mapped gives one error instead and the file carries on. The format is the forced
 * one, else the first record's ({@link Format#of}); a Stance file's records come back as they
 * are, with no kind, for the caller's own scan reading.
 *
 * <p>A producer file is one snapshot of one account: an element naming another account
 * ({@code cloud.account.uid}, {@code AwsAccountId}) is an error, unless it names an anonymised
 * placeholder such as {@code <account_uid>}. Memory is bounded by the largest element plus two
 * 64-bit hashes per distinct OCSF uid and the ids of the distinct resources, never by the file.
 */
public final class ProducerRecords implements Iterator<ProducerRecord>, Closeable {
    private final JsonElements elements;
    private final String displayName;
    private final Format forced;
    private final String account;
    private final String provider;
    private final ArrayDeque<ProducerRecord> pending = new ArrayDeque<>();
    private final Set<String> assetIds = new HashSet<>();
    private Format format;
    private OcsfMapping ocsf;
    private AsffMapping asff;
    private boolean ended;

    private ProducerRecords(JsonElements elements, String displayName, Format forced, String account, String provider) {
        this.elements = elements;
        this.displayName = displayName;
        this.forced = forced;
        this.account = account;
        this.provider = provider;
    }

    /**
     * Opens a producer file for reading.
     *
     * @param in          the file's bytes; closed by {@link #close()}
     * @param displayName the name errors cite, e.g. {@code prowler-output.ocsf.json}
     * @param forced      the format to read it as; null to let the first record decide
     * @param account     the account the file is a snapshot of; null to check none. Assets get it
     *                    as {@code account_id}.
     * @param provider    the cloud ({@code aws}, {@code gcp}, {@code azure}); assets get it as
     *                    {@code cloud_provider}, null leaves the model's default
     */
    public static ProducerRecords open(InputStream in, String displayName, Format forced, String account,
                                       String provider) {
        return open(in, displayName, forced, account, provider, JsonElements.DEFAULT_MAX_LINE_BYTES);
    }

    /** As {@link #open(InputStream, String, Format, String, String)}, with the longest JSON Lines line read. */
    public static ProducerRecords open(InputStream in, String displayName, Format forced, String account,
                                       String provider, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        return new ProducerRecords(JsonElements.open(displayName, in, maxLineBytes), displayName, forced, account,
                provider);
    }

    /** The format being read: known once the first record has been read ({@link #hasNext()}), else the forced one or null. */
    public Format format() {
        return format != null ? format : forced;
    }

    @Override
    public boolean hasNext() {
        while (pending.isEmpty() && !ended) {
            JsonElements.Element e = elements.next();
            if (e == null) {
                ended = true;
            } else {
                read(e);
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public ProducerRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }

    private void read(JsonElements.Element e) {
        String origin = displayName + " element " + e.index() + " (line " + e.line() + ")";
        if (e.error() != null) {
            pending.add(ProducerRecord.error(e.index(), e.line(), origin, e.error()));
            return;
        }
        if (format == null) {
            format = forced != null ? forced : Format.of(e.object());
        }
        if (format == Format.STANCE) {
            pending.add(new ProducerRecord(null, e.index(), e.line(), origin, e.object(), null, List.of()));
            return;
        }
        MappedElement mapped;
        try {
            mapped = format == Format.OCSF ? ocsf().map(e.object()) : asff().map(e.object());
        } catch (MappingException ex) {
            pending.add(ProducerRecord.error(e.index(), e.line(), origin, ex.getMessage()));
            return;
        }
        String named = mapped.account();
        if (account != null && named != null && !named.isEmpty() && !FindingIds.isPlaceholder(named)
                && !named.equals(account)) {
            pending.add(ProducerRecord.error(e.index(), e.line(), origin, mapped.accountField() + " "
                    + Values.quoted(named) + ": names another account than '" + account + "', the one this file is pushed for"));
            return;
        }
        List<String> warnings = List.copyOf(mapped.warnings());
        pending.add(new ProducerRecord(ProducerRecord.Kind.FINDING, e.index(), e.line(), origin, mapped.finding(), null,
                warnings));
        for (Map<String, Object> asset : mapped.assets()) {
            if (assetIds.add((String) asset.get("id"))) {
                if (provider != null) {
                    asset.put("cloud_provider", provider);
                }
                if (account != null) {
                    asset.put("account_id", account);
                }
                pending.add(new ProducerRecord(ProducerRecord.Kind.ASSET, e.index(), e.line(), origin, asset, null,
                        List.of()));
            }
        }
    }

    private OcsfMapping ocsf() {
        if (ocsf == null) {
            ocsf = new OcsfMapping();
        }
        return ocsf;
    }

    private AsffMapping asff() {
        if (asff == null) {
            asff = new AsffMapping();
        }
        return asff;
    }

    @Override
    public void close() throws IOException {
        elements.close();
    }
}
