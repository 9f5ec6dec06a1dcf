package com.mantissa.stance.sync.wire;

/** Makes untrusted text safe to put in a message: control and surrogate characters become {@code \\uXXXX}. */
public final class Printable {
    private Printable() {
    }

    public static String of(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
