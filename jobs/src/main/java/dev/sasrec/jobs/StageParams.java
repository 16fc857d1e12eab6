package dev.sasrec.jobs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Sets a Spark ML stage's params from a configuration section whose keys are the params' names
 * ({@code sasrec.model.maxEpochs = 20} sets {@code SASRec.maxEpochs}). Each value is read as the param's type and
 * checked by the param's own validator, so a wrong value fails with the key, the value and what the param accepts.
 */
final class StageParams {

    private StageParams() {
    }

    /** Applies every key of {@code section} (the section {@code sasrec.<path>}) to {@code stage}. */
    static <T extends Params> T apply(T stage, Config section, String path) {
        for (String name : section.root().keySet()) {
            String key = JobConfig.ROOT + "." + path + "." + name;
            if (!stage.hasParam(name)) {
                throw new IllegalArgumentException("configuration key " + key + ": " + stage.getClass().getSimpleName()
                        + " has no param " + name);
            }
            Param<Object> param = stage.getParam(name);
            Object value;
            try {
                value = read(section, name, param);
            } catch (ConfigException.WrongType e) {
                throw new IllegalArgumentException("configuration key " + key + ": " + e.getMessage()
                        + "; param " + name + ": " + param.doc(), e);
            }
            if (!(Boolean) param.isValid().apply(value)) {
                throw new IllegalArgumentException("configuration key " + key + ": invalid value " + value
                        + "; param " + name + ": " + param.doc());
            }
            stage.set(param, value);
        }
        return stage;
    }

    private static Object read(Config section, String name, Param<?> param) {
        if (param instanceof IntParam) {
            return section.getInt(name);
        } else if (param instanceof LongParam) {
            return section.getLong(name);
        } else if (param instanceof DoubleParam) {
            return section.getDouble(name);
        } else if (param instanceof BooleanParam) {
            return section.getBoolean(name);
        }
        return section.getString(name);
    }
}
