package dev.vdiff.tensor.kernels;

/** Scratch (not committed). */
public final class SplitCost {
    static long cpu() { return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); }
    public static void main(String[] a) {
        for (int hw : new int[] {32, 16}) {
            int planes = 1024 * 1024 / (hw * hw), th = hw / 2, tw = hw / 2, tiles = th * tw;
            float[] x = new float[planes * hw * hw], v = new float[16 * planes * tiles + 64], work = new float[WinogradF2x3.inputWork(th, tw)];
            float[] m = new float[16 * planes * tiles], y = new float[planes * hw * hw], w2 = new float[4 * tiles];
            for (int i = 0; i < x.length; i++) x[i] = i % 7;
            double bs = 1e9, bi = 1e9, bo = 1e9, bw = 1e9;
            for (int rep = 0; rep < 30; rep++) {
                long t0 = cpu();
                for (int p = 0; p < planes; p++) WinogradF2x3.split(x, p * hw * hw, hw, hw, th, tw, work);
                long t1 = cpu();
                for (int p = 0; p < planes; p++) WinogradF2x3.inputPlane(x, p * hw * hw, hw, hw, th, tw, v, p * tiles, planes * tiles, work);
                long t2 = cpu();
                for (int p = 0; p < planes; p++) WinogradF2x3.outputPlane(m, p * tiles, planes * tiles, th, tw, 0f, y, p * hw * hw, hw, hw, w2);
                long t3 = cpu();
                for (int p = 0; p < planes; p++) WinogradSimd.output(m, p * tiles, planes * tiles, w2, tiles, 0, tiles);
                long t4 = cpu();
                bs = Math.min(bs, (t1 - t0) * 1e-6); bi = Math.min(bi, (t2 - t1) * 1e-6); bo = Math.min(bo, (t3 - t2) * 1e-6); bw = Math.min(bw, (t4 - t3) * 1e-6);
            }
            System.out.printf("%d^2, 1M inputs: split %.2f of input transform %.2f ms; output: vector part %.2f of %.2f ms%n", hw, bs, bi, bw, bo);
        }
    }
}
