package dev.vdiff.tornado;

import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

/** What every kernel task does with its TornadoVM execution plans when the backend is closed. */
final class ExecutionPlans {
    private ExecutionPlans() {}

    /**
     * Closes each plan that was built (null entries were never needed) and forgets it, so that a second close is a
     * no-op. {@code what} names the kernel family in the error ("convolution", "GEMM", ...).
     */
    static void closeAll(TornadoExecutionPlan[] plans, String what) {
        for (int k = 0; k < plans.length; k++) {
            if (plans[k] == null) continue;
            try {
                plans[k].close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the " + what + " execution plans", e);
            }
            plans[k] = null;
        }
    }
}
