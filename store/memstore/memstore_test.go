package memstore_test

import (
	"context"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/store/memstore"
	"frontdoor/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return memstore.New() })
	storetest.RunTrail(t, func(t *testing.T) storetest.TrailStore { return &memstore.Trails{} })
	storetest.RunShelf(t, func(t *testing.T) storetest.ShelfStore { return &memstore.Shelves{} })
}

// The clock decides expiry, so tests of idle timeouts need not sleep.
func TestClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 8, 10, 0, 0, 0, time.UTC)
	s := memstore.NewWithClock(func() time.Time { return now })
	if err := s.SaveSession(ctx, 7, flows.Session{State: "menu"}, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Session(ctx, 7); !found {
		t.Fatal("session not found before expiry")
	}
	now = now.Add(time.Minute)
	if _, found, _ := s.Session(ctx, 7); found {
		t.Fatal("session found at its expiry")
	}
}

// Changing a loaded session must not change the stored one.
func TestCopies(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	in := flows.Session{Data: map[string]string{"a": "1"}}
	if err := s.SaveSession(ctx, 1, in, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	in.Data["a"] = "changed"
	got, _, _ := s.Session(ctx, 1)
	got.Data["a"] = "changed too"
	again, _, _ := s.Session(ctx, 1)
	if again.Data["a"] != "1" {
		t.Fatalf("stored session changed through a copy: %q", again.Data["a"])
	}
}

func TestCallbackConformance(t *testing.T) {
	storetest.RunCallbacks(t, func(t *testing.T) storetest.CallbackStore { return memstore.New() })
}

func TestStatsConformance(t *testing.T) {
	storetest.RunStats(t, func(t *testing.T) storetest.StatsStore { return memstore.New() })
}
