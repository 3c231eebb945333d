package dev.questspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelsTest {
    @Test
    void choiceFollowsTheProperty() {
        assertEquals(Kernels.Backend.JAVA, Kernels.choose("java"));
        assertEquals(NativeLibrary.isLoaded() ? Kernels.Backend.NATIVE : Kernels.Backend.JAVA, Kernels.choose("auto"));
        if (NativeLibrary.isLoaded()) {
            assertEquals(Kernels.Backend.NATIVE, Kernels.choose(" Native "));
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kernels.choose("native"));
            assertTrue(e.getMessage().contains("quest.kernel"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.choose("gpu"));
        assertTrue(e.getMessage().contains("auto, native or java"));
    }

    @Test
    void matmulIsChosenOnce() {
        MatmulKernel k = Kernels.matmul();
        assertSame(k, Kernels.matmul());
        String expected = Kernels.backend() == Kernels.Backend.NATIVE ? "native-" : "java";
        assertTrue(k.name().startsWith(expected), k.name());
    }
}
