import java.util.ArrayList;
import java.util.List;

/**
 * Promotes about 750 MiB into the old generation through young collections, as a server's long-lived buffers do,
 * so that the collector log shows what promotion costs when the old generation's memory is touched for the first
 * time (see bench/pagefaults/run and docs/performance.md).
 */
public class Promote {
    public static void main(String[] args) {
        List<byte[]> kept = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 12_000; i++) {
            kept.add(new byte[64 * 1024]);
            for (int j = 0; j < 4; j++) {
                byte[] garbage = new byte[16 * 1024];
                garbage[0] = 1;
            }
        }
        System.out.println("kept " + kept.size() + " buffers in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
