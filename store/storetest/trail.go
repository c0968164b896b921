package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"frontdoor/flows"
)

// TrailStore is what the wipe needs from a store: the per-chat trail of
// message ids and its due index.
type TrailStore interface {
	Track(ctx context.Context, chat int64, ids []int, at, due time.Time, idle bool) error
	TakeTrail(ctx context.Context, chat int64, dueBy time.Time) (flows.Trail, bool, error)
	DueTrails(ctx context.Context, now time.Time, limit int) ([]int64, error)
}

// RunTrail runs the trail part of the suite. open must return a new, empty
// store for each subtest.
func RunTrail(t *testing.T, open func(t *testing.T) TrailStore) {
	runAll(t, open, []subtest[TrailStore]{
		{"TrackAndTake", testTrackAndTake},
		{"OldMessagesDropped", testTrailOldDropped},
		{"DueIndex", testTrailDue},
		{"CancelledContext", testTrailCancelled},
	})
}

func ids(tr flows.Trail) []int {
	var out []int
	for _, m := range tr.Messages {
		out = append(out, m.ID)
	}
	return out
}

func testTrackAndTake(t *testing.T, s TrailStore) {
	ctx, at := context.Background(), now()
	const her, other = int64(1) << 40, int64(-100)
	must(t, s.Track(ctx, her, []int{7, 8}, at, at.Add(30*time.Minute), true))
	must(t, s.Track(ctx, other, []int{9}, at, at.Add(time.Hour), false))
	must(t, s.Track(ctx, her, []int{10}, at.Add(time.Minute), at.Add(31*time.Minute), true))
	tr, found, err := s.TakeTrail(ctx, her, time.Time{})
	if err != nil || !found {
		t.Fatalf("TakeTrail: %v, found %v", err, found)
	}
	if tr.Chat != her || !tr.Idle || !slices.Equal(ids(tr), []int{7, 8, 10}) || !tr.Due.Equal(at.Add(31*time.Minute)) {
		t.Errorf("took %+v", tr)
	}
	if !tr.Messages[2].At.Equal(at.Add(time.Minute)) {
		t.Errorf("message 10 tracked at %v, want %v", tr.Messages[2].At, at.Add(time.Minute))
	}
	if _, found, err := s.TakeTrail(ctx, her, time.Time{}); found || err != nil {
		t.Errorf("a taken trail was found again (%v)", err)
	}
	tr, found, err = s.TakeTrail(ctx, other, time.Time{})
	if err != nil || !found || tr.Idle || !slices.Equal(ids(tr), []int{9}) {
		t.Errorf("the other chat's trail: %+v %v %v", tr, found, err)
	}
}

func testTrailOldDropped(t *testing.T, s TrailStore) {
	ctx, at := context.Background(), now()
	must(t, s.Track(ctx, 5, []int{1}, at, at.Add(time.Hour), true))
	must(t, s.Track(ctx, 5, []int{2}, at.Add(flows.TrailWindow-time.Second), at.Add(flows.TrailWindow), true))
	must(t, s.Track(ctx, 5, []int{3}, at.Add(flows.TrailWindow+time.Second), at.Add(flows.TrailWindow+time.Hour), true))
	tr, _, err := s.TakeTrail(ctx, 5, time.Time{})
	if err != nil || !slices.Equal(ids(tr), []int{2, 3}) {
		t.Errorf("after %v the trail holds %v (%v), want [2 3]", flows.TrailWindow, ids(tr), err)
	}
}

func testTrailDue(t *testing.T, s TrailStore) {
	ctx, at := context.Background(), now()
	must(t, s.Track(ctx, 1, []int{1}, at, at.Add(30*time.Minute), true))
	must(t, s.Track(ctx, 2, []int{2}, at, at.Add(10*time.Minute), true))
	must(t, s.Track(ctx, 3, []int{3}, at, at.Add(20*time.Minute), false))
	// Chat 1 wrote again: its wipe moves later.
	must(t, s.Track(ctx, 1, []int{4}, at.Add(5*time.Minute), at.Add(35*time.Minute), true))

	if got, err := s.DueTrails(ctx, at.Add(9*time.Minute), 10); err != nil || len(got) != 0 {
		t.Errorf("due before any: %v %v", got, err)
	}
	if got, err := s.DueTrails(ctx, at.Add(31*time.Minute), 10); err != nil || !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("due at +31m: %v %v, want [2 3] (chat 1 moved to +35m)", got, err)
	}
	if got, _ := s.DueTrails(ctx, at.Add(time.Hour), 2); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("limit 2: %v", got)
	}
	if _, found, err := s.TakeTrail(ctx, 1, at.Add(31*time.Minute)); found || err != nil {
		t.Errorf("a trail not yet due was taken (%v)", err)
	}
	if tr, found, err := s.TakeTrail(ctx, 1, at.Add(35*time.Minute)); !found || err != nil || !slices.Equal(ids(tr), []int{1, 4}) {
		t.Errorf("a due trail: %+v %v %v", tr, found, err)
	}
	if got, _ := s.DueTrails(ctx, at.Add(time.Hour), 10); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("after taking chat 1: %v", got)
	}
}

func testTrailCancelled(t *testing.T, s TrailStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	at := now()
	if err := s.Track(ctx, 1, []int{1}, at, at, true); err == nil {
		t.Error("Track with a cancelled context succeeded")
	}
	if _, _, err := s.TakeTrail(ctx, 1, time.Time{}); err == nil {
		t.Error("TakeTrail with a cancelled context succeeded")
	}
	if _, err := s.DueTrails(ctx, at, 1); err == nil {
		t.Error("DueTrails with a cancelled context succeeded")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
