package workers

import (
	"sync"
	"sync/atomic"
	"testing"
)

// The pool never bounds concurrency: with every worker busy, a task gets a new one.
func TestWorkersNeverQueueBehindBusyOnes(t *testing.T) {
	w := New()
	const n = 50
	release := make(chan struct{})
	var running atomic.Int32
	var started, done sync.WaitGroup
	started.Add(n)
	done.Add(n)
	for range n {
		w.Go(func() {
			defer done.Done()
			running.Add(1)
			started.Done()
			<-release
		})
	}
	started.Wait() // would hang if a task waited for a busy worker
	if got := running.Load(); got != n {
		t.Fatalf("%d tasks running at once, want %d", got, n)
	}
	close(release)
	done.Wait()
	// After the burst, with its workers idle, the pool still runs the next task.
	ran := make(chan struct{})
	w.Go(func() { close(ran) })
	<-ran
}
