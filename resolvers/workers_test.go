package resolvers

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The pool never bounds concurrency: with every worker busy, a task gets a new one.
func TestWorkersNeverQueueBehindBusyOnes(t *testing.T) {
	w := &workers{tasks: make(chan func())}
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

// A panicking fetch answers its key with an error; the other keys still resolve.
func TestFanOutPanicBecomesTheKeysError(t *testing.T) {
	r := New(Deps{Dataloaders: true})
	l := fanOutLoader(r, "test", func(_ context.Context, k int) (int, error) {
		if k == 2 {
			panic("boom")
		}
		return k * 10, nil
	})
	ctx := t.Context()
	one, two := l.Load(ctx, 1), l.Load(ctx, 2)
	if v, err := one(); err != nil || v != 10 {
		t.Fatalf("key 1: %v, %v; want 10", v, err)
	}
	if _, err := two(); err == nil || !strings.Contains(err.Error(), "panic in test") {
		t.Fatalf("key 2: error %v, want the panic as an error", err)
	}
}
