package dev.vdiff.reference.data;

import java.nio.ByteBuffer;

/**
 * Centre-crop to the target aspect ratio, then resize, for decoded RGB24 frames.
 *
 * <p>Each axis is resampled on its own with weights from {@link #weights}: area averaging when shrinking
 * (each output pixel is the mean of the source interval it covers, so no aliasing), bilinear interpolation
 * with half-pixel centres when enlarging (as {@code align_corners=False}).
 */
final class Resize {
    private Resize() {}

    /**
     * One axis: output {@code i} is {@code sum_k w[i][k] src[first[i] + k]}.
     *
     * @param first first source index per output
     * @param w     weights per output, summing to 1
     */
    record Weights(int[] first, double[][] w) {}

    /** Weights taking source pixels {@code [start, start + len)} to {@code out} pixels. */
    static Weights weights(int start, int len, int out) {
        int[] first = new int[out];
        double[][] w = new double[out][];
        double scale = (double) len / out;   // source pixels per output pixel
        for (int i = 0; i < out; i++) {
            if (scale >= 1) {
                // Area: output i covers source [i*scale, (i+1)*scale).
                double lo = i * scale, hi = (i + 1) * scale;
                int a = (int) Math.floor(lo), b = Math.min(len, (int) Math.ceil(hi));
                first[i] = start + a;
                w[i] = new double[b - a];
                for (int k = a; k < b; k++) w[i][k - a] = (Math.min(hi, k + 1) - Math.max(lo, k)) / scale;
            } else {
                // Bilinear: output centre i + 0.5 sits at source coordinate (i + 0.5) * scale.
                double c = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), len - 1);
                int a = (int) Math.floor(c), b = Math.min(a + 1, len - 1);
                double t = c - a;
                first[i] = start + a;
                w[i] = b == a ? new double[] {1} : new double[] {1 - t, t};
            }
        }
        return new Weights(first, w);
    }

    /**
     * An RGB24 image ({@code srcW x srcH}, row {@code y} at byte {@code y * stride}) centre-cropped to the
     * aspect {@code outW : outH} and resized to planes {@code [3, outH, outW]} in [-1, 1].
     */
    static float[] rgb24(ByteBuffer src, int stride, int srcW, int srcH, int outH, int outW) {
        // Crop the longer side so that cropW / cropH == outW / outH (rounded).
        int cropW = srcW, cropH = srcH;
        if ((long) srcW * outH > (long) srcH * outW) cropW = Math.max(1, (int) Math.round((double) srcH * outW / outH));
        else cropH = Math.max(1, (int) Math.round((double) srcW * outH / outW));
        Weights wx = weights((srcW - cropW) / 2, cropW, outW);
        Weights wy = weights((srcH - cropH) / 2, cropH, outH);

        // Horizontal pass over the rows we need: tmp [3][srcH][outW], in 0..255.
        double[] tmp = new double[3 * srcH * outW];
        int rowLo = wy.first()[0], rowHi = wy.first()[outH - 1] + wy.w()[outH - 1].length;
        for (int y = rowLo; y < rowHi; y++) {
            for (int x = 0; x < outW; x++) {
                double r = 0, g = 0, b = 0;
                double[] w = wx.w()[x];
                int o = y * stride + 3 * wx.first()[x];
                for (int k = 0; k < w.length; k++, o += 3) {
                    r += w[k] * (src.get(o) & 0xff);
                    g += w[k] * (src.get(o + 1) & 0xff);
                    b += w[k] * (src.get(o + 2) & 0xff);
                }
                tmp[(0 * srcH + y) * outW + x] = r;
                tmp[(1 * srcH + y) * outW + x] = g;
                tmp[(2 * srcH + y) * outW + x] = b;
            }
        }
        // Vertical pass: out [3][outH][outW], mapped to [-1, 1].
        float[] out = new float[3 * outH * outW];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < outH; y++) {
                double[] w = wy.w()[y];
                for (int x = 0; x < outW; x++) {
                    double acc = 0;
                    for (int k = 0; k < w.length; k++) acc += w[k] * tmp[(c * srcH + wy.first()[y] + k) * outW + x];
                    out[(c * outH + y) * outW + x] = (float) (acc / 127.5 - 1.0);
                }
            }
        }
        return out;
    }
}
