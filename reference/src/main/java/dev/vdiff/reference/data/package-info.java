/**
 * Training data: a built-in synthetic video data set, a data set of video files, and video/image writers.
 *
 * <ul>
 *   <li>{@link dev.vdiff.reference.data.SyntheticVideos}: moving shapes over procedural backgrounds, generated
 *       from a seed; every clip carries the {@link dev.vdiff.reference.data.ClipSpec} it was drawn with
 *       (shape, colour, motion, degradations), so splits by motion or visual quality are one filter away.</li>
 *   <li>{@link dev.vdiff.reference.data.VideoFolder}: mp4/gif/webm/... files under a folder, read with the
 *       bundled FFmpeg (JavaCV), captions and labels from a CSV, unreadable files reported by name.</li>
 *   <li>{@link dev.vdiff.reference.data.ImageFolder}: png/jpg/bmp still images under a folder (MCM's high-quality
 *       image set), labels from a CSV, class subfolders or none.</li>
 *   <li>{@link dev.vdiff.reference.data.GifWriter}, {@link dev.vdiff.reference.data.Mp4Writer},
 *       {@link dev.vdiff.reference.data.FrameGrid}: looping GIF, MP4 (H.264) and a PNG contact sheet; all
 *       writes are atomic ({@link dev.vdiff.tensor.io.AtomicWrite}).</li>
 * </ul>
 *
 * <p>Every clip is a {@link dev.vdiff.reference.data.Clip}: float32 video {@code [F, 3, H, W]} in [-1, 1],
 * label, caption.
 */
package dev.vdiff.reference.data;
