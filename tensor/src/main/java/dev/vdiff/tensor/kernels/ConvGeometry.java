package dev.vdiff.tensor.kernels;

/**
 * Sizes of one 3-D convolution (a 2-D one is the case {@code D = KD = sd = 1, pd = 0}):
 * <pre>
 *   x   [N, C, D, H, W]        w [O, C, KD, KH, KW]       out [N, O, OD, OH, OW]
 *   OD = (D + 2 pd - KD) / sd + 1   (floor; likewise OH, OW)
 *   out[n, o, od, oh, ow] = sum over c, (a, b, e) of
 *       w[o, c, a, b, e] * x[n, c, od*sd + a - pd, oh*sh + b - ph, ow*sw + e - pw]   (0 outside x)
 * </pre>
 * Flattened names used by the kernels: {@code Q = D*H*W} input positions, {@code P = OD*OH*OW} output
 * positions, {@code KK = KD*KH*KW} taps, {@code CK = C*KK} (a row of the weight matrix).
 */
public final class ConvGeometry {
    public final int n, c, d, h, w, o, kd, kh, kw, sd, sh, sw, pd, ph, pw;
    public final int od, oh, ow, q, p, kk, ck;

    public ConvGeometry(int n, int c, int d, int h, int w, int o, int kd, int kh, int kw, int sd, int sh, int sw, int pd, int ph, int pw) {
        this.n = n;
        this.c = c;
        this.d = d;
        this.h = h;
        this.w = w;
        this.o = o;
        this.kd = kd;
        this.kh = kh;
        this.kw = kw;
        this.sd = sd;
        this.sh = sh;
        this.sw = sw;
        this.pd = pd;
        this.ph = ph;
        this.pw = pw;
        this.od = (d + 2 * pd - kd) / sd + 1;
        this.oh = (h + 2 * ph - kh) / sh + 1;
        this.ow = (w + 2 * pw - kw) / sw + 1;
        this.q = d * h * w;
        this.p = od * oh * ow;
        this.kk = kd * kh * kw;
        this.ck = c * kk;
    }

    /** Depth offset {@code a} of tap {@code t} (taps are numbered {@code (a*KH + b)*KW + e}). */
    int tapD(int t) {
        return t / (kh * kw);
    }

    int tapH(int t) {
        return (t / kw) % kh;
    }

    int tapW(int t) {
        return t % kw;
    }
}
