package com.mantissa.stance.sync.wire;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)}: the shortest decimal digits that round-trip, printed in
 * fixed notation for decimal exponents -4..15 and in exponent notation otherwise.
 * Java 17's {@code Double.toString} is not always shortest (fixed only in JDK 19), so the
 * digits are searched here with exact {@link BigDecimal} arithmetic.
 */
final class PythonFloat {
    private PythonFloat() {
    }

    static String repr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
        }
        // Integral values below 2^53 are exact as longs and print as "<n>.0".
        if (Math.abs(d) < 1e16 && d == Math.rint(d)) {
            return Long.toString((long) d) + ".0";
        }
        BigDecimal digits = shortest(d);
        String unscaled = digits.unscaledValue().abs().toString();
        // Decimal exponent of the first digit: value = 0.d1d2... * 10^(decpt).
        int decpt = unscaled.length() - digits.scale();
        StringBuilder sb = new StringBuilder(24);
        if (d < 0) {
            sb.append('-');
        }
        int exp10 = decpt - 1;
        if (exp10 < -4 || exp10 >= 16) {
            sb.append(unscaled.charAt(0));
            if (unscaled.length() > 1) {
                sb.append('.').append(unscaled, 1, unscaled.length());
            }
            sb.append('e').append(exp10 < 0 ? '-' : '+');
            int a = Math.abs(exp10);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        } else if (decpt <= 0) {
            sb.append("0.");
            for (int i = decpt; i < 0; i++) {
                sb.append('0');
            }
            sb.append(unscaled);
        } else if (decpt >= unscaled.length()) {
            sb.append(unscaled);
            for (int i = unscaled.length(); i < decpt; i++) {
                sb.append('0');
            }
            sb.append(".0");
        } else {
            sb.append(unscaled, 0, decpt).append('.').append(unscaled, decpt, unscaled.length());
        }
        return sb.toString();
    }

    /**
     * Shortest decimal that reads back as {@code d}; among equally short candidates the one
     * nearest to the exact binary value (as David Gay's algorithm, which CPython uses).
     * Trailing zeros are stripped.
     */
    private static BigDecimal shortest(double d) {
        double abs = Math.abs(d);
        BigDecimal javaDigits = new BigDecimal(Double.toString(abs)).stripTrailingZeros();
        // Distinct decimals of at most 15 significant digits never map to the same double
        // (DBL_DIG = 15; subnormals excepted), so a round-tripping Double.toString result that short is the unique
        // shortest one; only longer results need the exact search.
        if (javaDigits.precision() <= 15 && abs >= Double.MIN_NORMAL) {
            return javaDigits;
        }
        BigDecimal exact = new BigDecimal(abs);
        // A p-digit hit implies (p+1)-digit hits, so when 15 digits miss, start at 16.
        int from = roundTrips(exact, abs, 15) == null ? 16 : 1;
        for (int p = from; p < 17; p++) {
            BigDecimal hit = roundTrips(exact, abs, p);
            if (hit != null) {
                return hit;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /** The p-digit decimal nearest to {@code exact} that reads back as {@code abs}, or null. */
    private static BigDecimal roundTrips(BigDecimal exact, double abs, int p) {
        BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
        if (nearest.doubleValue() == abs) {
            return nearest.stripTrailingZeros();
        }
        // Just above a power of two the lower rounding gap is half the upper one, so the
        // nearest p-digit candidate can miss while the one on the other side still hits.
        BigDecimal other = nearest.compareTo(exact) < 0
                ? exact.round(new MathContext(p, RoundingMode.CEILING))
                : exact.round(new MathContext(p, RoundingMode.FLOOR));
        return other.doubleValue() == abs ? other.stripTrailingZeros() : null;
    }
}
