package testredis

import (
	"context"
	"testing"
)

func TestStartStop(t *testing.T) {
	ctx := context.Background()
	srv := Start(t)
	c := srv.Client(t)
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("Ping a started server: %v", err)
	}
	// The server runs without persistence: nothing is written next to the tests.
	for _, param := range []string{"save", "appendonly"} {
		got, err := c.ConfigGet(ctx, param).Result()
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"save": "", "appendonly": "no"}[param]; got[param] != want {
			t.Errorf("CONFIG GET %s = %q, want %q", param, got[param], want)
		}
	}
	srv.Stop()
	srv.Stop() // idempotent
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("Ping a stopped server: nil error")
	}
}

func TestURLFromEnvironment(t *testing.T) {
	srv := Start(t)
	t.Setenv(EnvURL, srv.URL)
	if got := URL(t); got != srv.URL {
		t.Fatalf("URL = %q, want %q from %s", got, srv.URL, EnvURL)
	}
	if err := Client(t).Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestPrefixCleansUp(t *testing.T) {
	ctx := context.Background()
	c := Client(t)
	var prefix string
	t.Run("writer", func(t *testing.T) {
		prefix = Prefix(t, c)
		if other := Prefix(t, c); other == prefix {
			t.Fatalf("two prefixes are equal: %q", prefix)
		}
		for _, k := range []string{"a", "b", "c:d"} {
			if err := c.Set(ctx, prefix+k, "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
	})
	n, err := c.Exists(ctx, prefix+"a", prefix+"b", prefix+"c:d").Result()
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d keys under %q survived the test", n, prefix)
	}
}

func TestUnreachable(t *testing.T) {
	c := Unreachable(t)
	if !c.Options().ContextTimeoutEnabled {
		t.Error("ContextTimeoutEnabled is off")
	}
	if err := c.Ping(context.Background()).Err(); err == nil {
		t.Fatal("Ping an unreachable Redis: nil error")
	}
}
