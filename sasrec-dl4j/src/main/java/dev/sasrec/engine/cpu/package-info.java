/**
 * The kernels of the native CPU training backend: forward and backward passes over the stacked real positions of a
 * batch (row-major {@code [positions, d]} float arrays, each history a run of consecutive rows), with no padding and
 * no per-op framework. Package-private; the backend built from them plugs into
 * {@link dev.sasrec.engine.train.TrainingBackend}.
 */
package dev.sasrec.engine.cpu;
