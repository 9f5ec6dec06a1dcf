package com.mantissa.stance.sync.storage;

/** The bytes of an object and the version token to replace it conditionally. */
public record StoredObject(byte[] content, String versionToken) {
}
