package transport

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// callBudget is the number of backend attempts one GraphQL request may still make.
type callBudget struct{ left atomic.Int64 }

type callBudgetKey struct{}

// WithCallBudget returns ctx carrying a budget of n backend calls for everything done
// with it (across backends). Every attempt counts, retries included; once the budget is
// spent, further attempts are refused before they are sent with ErrCallBudgetExceeded
// (rest.ErrBudgetExceeded), which is not a backend failure. A budget set again on a
// derived context replaces it for that context.
func WithCallBudget(ctx context.Context, n int) context.Context {
	b := &callBudget{}
	b.left.Store(int64(n))
	return context.WithValue(ctx, callBudgetKey{}, b)
}

// CallBudgetLeft returns how many calls the budget on ctx still allows, and whether
// ctx has a budget.
func CallBudgetLeft(ctx context.Context) (int, bool) {
	b, ok := ctx.Value(callBudgetKey{}).(*callBudget)
	if !ok {
		return 0, false
	}
	return int(max(b.left.Load(), 0)), true
}

// takeCall spends one call of ctx's budget; false when there is none left. A context
// without a budget always may.
func takeCall(ctx context.Context) bool {
	b, ok := ctx.Value(callBudgetKey{}).(*callBudget)
	return !ok || b.left.Add(-1) >= 0
}

// retryBudget bounds one backend's retries to a share of its recent calls.
type retryBudget struct {
	p     RetryPolicy
	clock func() time.Time

	mu  sync.Mutex
	win *window // calls, retries
}

func newRetryBudget(p RetryPolicy, clock func() time.Time) *retryBudget {
	return &retryBudget{p: p, clock: clock, win: newWindow(p.BudgetWindow, clock())}
}

// call counts a call (its first attempt).
func (b *retryBudget) call() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.win.add(b.clock(), 1, 0)
}

// allows reports whether a retry would be within the budget now, without taking it.
func (b *retryBudget) allows() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.allowsLocked()
}

// take spends a retry; false when the budget is spent.
func (b *retryBudget) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.allowsLocked() {
		return false
	}
	b.win.add(b.clock(), 0, 1)
	return true
}

// giveBack returns a retry taken but not made.
func (b *retryBudget) giveBack() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.win.add(b.clock(), 0, -1)
}

func (b *retryBudget) allowsLocked() bool {
	if b.p.BudgetRatio < 0 {
		return true
	}
	calls, retries := b.win.sums(b.clock())
	return float64(retries) < b.p.BudgetRatio*float64(calls)+float64(b.p.BudgetMin)
}
