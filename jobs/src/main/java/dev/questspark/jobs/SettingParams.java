package dev.questspark.jobs;

import dev.questspark.settings.Setting;
import dev.questspark.settings.Settings;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

import scala.runtime.AbstractFunction1;

import java.io.Serializable;

/** The Spark ML param of a row of the settings table: typed as the setting, named {@link Setting#paramName()}. */
final class SettingParams {
    private SettingParams() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Param<?> param(Identifiable parent, Setting<?> s) {
        Valid valid = new Valid(s.name());
        String doc = s.help() + " (setting " + s.name() + ")";
        Class<?> type = s.type();
        if (type == Integer.class) {
            return new IntParam(parent, s.paramName(), doc, (AbstractFunction1) valid);
        }
        if (type == Long.class) {
            return new LongParam(parent, s.paramName(), doc, (AbstractFunction1) valid);
        }
        if (type == Float.class) {
            return new FloatParam(parent, s.paramName(), doc, (AbstractFunction1) valid);
        }
        if (type == Double.class) {
            return new DoubleParam(parent, s.paramName(), doc, (AbstractFunction1) valid);
        }
        return new Param<>(parent, s.paramName(), doc, (AbstractFunction1) valid);
    }

    @SuppressWarnings("unchecked")
    static Param<Object> untyped(Param<?> p) {
        return (Param<Object>) p;
    }

    /** The table's check of one value; it names the setting rather than holding it, so it serializes. */
    private static final class Valid extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String setting;

        Valid(String setting) {
            this.setting = setting;
        }

        @Override
        public Object apply(Object value) {
            return Settings.named(setting).valid(value);
        }
    }
}
