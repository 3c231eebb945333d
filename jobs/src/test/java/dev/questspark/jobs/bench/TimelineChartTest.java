package dev.questspark.jobs.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimelineChartTest {
    @Test
    void aTaskLaunchedAsThePreviousEndsKeepsItsLaneAndAConcurrentOneOpensAnother() {
        List<TaskTimeline.Task> tasks = List.of(
                new TaskTimeline.Task(1, 0, "0", 0.0, 75.94, true),
                new TaskTimeline.Task(1, 1, "1", 0.0, 40.0, true),
                new TaskTimeline.Task(1, 2, "0", 75.93, 90.0, true),  // launched 10 ms before the driver saw task 0 end
                new TaskTimeline.Task(2, 0, "0", 80.0, 81.0, true));  // really concurrent (a second slot)
        assertEquals(List.of("executor 0 slot 0", "executor 1 slot 0", "executor 0 slot 0", "executor 0 slot 1"),
                TimelineChart.lanes(tasks));
    }
}
