package resolvers

import (
	"context"
	"strings"
	"testing"
)

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
