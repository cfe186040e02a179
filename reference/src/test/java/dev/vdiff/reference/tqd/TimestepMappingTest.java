package dev.vdiff.reference.tqd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** SPEC §2.4: t -> model timesteps for DDPM (n = min(floor(1000 t), 999)) and flow matching (1000 t). */
class TimestepMappingTest {
    @Test
    void ddpmFloorsAndCaps() {
        TimestepMapping d = TimestepMapping.ddpm(1000);
        assertEquals(0, d.index(TimestepLaw.T_MIN));
        assertEquals(0, d.index(0.000999));
        assertEquals(1, d.index(0.001));
        assertEquals(250, d.index(0.25));
        assertEquals(999, d.index(0.9995));
        assertEquals(999, d.index(TimestepLaw.T_MAX));
        assertEquals(999, d.index(1.0));
        assertEquals(250.0, d.modelTimestep(0.2504), 0);
    }

    /** Every DDPM index is hit by the t in [n / T, (n + 1) / T): the map is onto 0..T-1 and monotone. */
    @Test
    void ddpmIsOntoAndMonotone() {
        TimestepMapping d = TimestepMapping.ddpm(50);
        long prev = -1;
        for (int n = 0; n < 50; n++) {
            double t = (n + 0.5) / 50;
            assertEquals(n, d.index(t));
            assertEquals(n, d.index(Math.nextUp((double) n / 50)));
            prev = Math.max(prev, d.index(t));
        }
        assertEquals(49, prev);
    }

    @Test
    void flowUsesSigmaEqualsT() {
        TimestepMapping f = TimestepMapping.flow(1000);
        assertEquals(250.0, f.modelTimestep(0.25), 1e-12);
        assertEquals(0.01, f.modelTimestep(TimestepLaw.T_MIN), 1e-12);
        // Grid index n has sigma_n = (n + 1) / T (Pyramid Flow's grid): the nearest to t.
        assertEquals(249, f.index(0.25));
        assertEquals(249, f.index(0.2504));
        assertEquals(0, f.index(TimestepLaw.T_MIN));
        assertEquals(999, f.index(TimestepLaw.T_MAX));
        for (double t = 0.0005; t < 1; t += 0.0137) {
            long n = f.index(t);
            assertEquals(t, (n + 1) / 1000.0, 0.5 / 1000 + 1e-12, "t = " + t);
        }
    }

    @Test
    void badInputs() {
        assertThrows(IllegalArgumentException.class, () -> TimestepMapping.ddpm(1000).index(1.5));
        assertThrows(IllegalArgumentException.class, () -> TimestepMapping.flow(0));
        assertEquals(TimestepMapping.Kind.FLOW, TimestepMapping.Kind.parse("FLOW"));
    }
}
