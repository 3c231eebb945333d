package dev.questspark.jobs.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskTimelineTest {
    @Test
    void busySecondsCountOverlappingTasksOnceAndGapsNot() {
        List<TaskTimeline.Task> tasks = List.of(
                new TaskTimeline.Task(1, 0, "0", 0.0, 10.0, true),
                new TaskTimeline.Task(1, 1, "1", 0.0, 4.0, true),
                new TaskTimeline.Task(2, 0, "0", 9.5, 12.0, true),  // overlaps the first task's end
                new TaskTimeline.Task(2, 1, "1", 6.0, 7.0, true),   // after a 2 s gap
                new TaskTimeline.Task(3, 0, "0", 11.0, 11.5, true)); // inside the busy span
        Map<String, Double> busy = TaskTimeline.busySeconds(tasks);
        assertEquals(12.0, busy.get("0"), 1e-9);
        assertEquals(5.0, busy.get("1"), 1e-9);
        String csv = TaskTimeline.csv(tasks);
        assertTrue(csv.startsWith("stage,partition,executor,start_seconds,end_seconds,ok\n"), csv);
        assertTrue(csv.contains("\n2,0,0,9.500,12.000,true\n"), csv);
        assertEquals(6, csv.split("\n").length);
    }
}
