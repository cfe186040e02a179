package dev.vdiff.reference.data;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared set-up of the bundled FFmpeg (JavaCV, natives for linux-x86_64). Loading the natives takes about a
 * second, once per JVM; the first run on a machine also unpacks them to {@code ~/.javacpp/cache} (about
 * 65 MB; {@code -Dorg.bytedeco.javacpp.cachedir=...} puts them elsewhere).
 *
 * <p>FFmpeg's own log is silenced: problems come back to us as exceptions, and we report them one line per
 * file. Set {@code -Dvdiff.ffmpegLog=true} to see FFmpeg's messages.
 */
final class Ffmpeg {
    private static volatile boolean ready;

    private Ffmpeg() {}

    static void init() {
        if (ready) return;
        synchronized (Ffmpeg.class) {
            if (ready) return;
            boolean verbose = Boolean.getBoolean("vdiff.ffmpegLog");
            avutil.av_log_set_level(verbose ? avutil.AV_LOG_WARNING : avutil.AV_LOG_QUIET);
            ready = true;
        }
    }

    /** The H.264 encoder if the bundled FFmpeg has one (it ships OpenH264), else MPEG-4 part 2. */
    static int videoCodec() {
        init();
        return avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_H264) != null ? avcodec.AV_CODEC_ID_H264 : avcodec.AV_CODEC_ID_MPEG4;
    }

    private static final Pattern FFMPEG_ERROR = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");

    /**
     * A short description of an exception for a one-line report. JavaCV's messages carry an FFmpeg error code
     * and hints meant for programmers; we keep the function and add FFmpeg's text for the code, e.g.
     * {@code "Invalid data found when processing input (avformat_open_input)"}.
     */
    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        m = m.replace('\n', ' ').strip();
        Matcher code = FFMPEG_ERROR.matcher(m);
        if (code.find()) {
            try {
                byte[] buf = new byte[256];
                if (avutil.av_strerror(Integer.parseInt(code.group(2)), buf, buf.length) == 0) {
                    int n = 0;
                    while (n < buf.length && buf[n] != 0) n++;
                    return new String(buf, 0, n, StandardCharsets.UTF_8) + " (" + code.group(1) + ")";
                }
            } catch (NumberFormatException ignored) {
                // fall through to the message itself
            }
        }
        return m;
    }
}
