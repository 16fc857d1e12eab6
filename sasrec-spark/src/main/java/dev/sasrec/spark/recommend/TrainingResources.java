package dev.sasrec.spark.recommend;

import org.apache.spark.SparkContext;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage-level resource profile of the training tasks ({@code trainingTaskCpus}, {@code trainingTaskGpus}): a
 * task-only profile, so training runs on the executors there are (no dynamic allocation needed) and only the
 * training stages hold the CPUs or GPUs they ask for. Spark schedules such profiles on standalone, YARN and
 * Kubernetes; in local mode the request is logged and ignored.
 */
final class TrainingResources {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingResources.class);

    private TrainingResources() {
    }

    /** The profile, or null when nothing is requested or the master cannot schedule it. */
    static ResourceProfile profile(int taskCpus, double taskGpus, SparkContext sc) {
        if (taskCpus == 0 && taskGpus == 0) {
            return null;
        }
        if (sc.isLocal()) {
            LOG.warn("trainingTaskCpus {} / trainingTaskGpus {} ignored: stage-level resource profiles need a cluster "
                    + "manager (standalone, YARN or Kubernetes), not {}", taskCpus, taskGpus, sc.master());
            return null;
        }
        TaskResourceRequests task = new TaskResourceRequests();
        if (taskCpus > 0) {
            task.cpus(taskCpus);
        }
        if (taskGpus > 0) {
            task.resource("gpu", taskGpus);
        }
        return new ResourceProfileBuilder().require(task).build();
    }
}
