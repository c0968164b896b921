package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store/memstore"
)

// clock is a test clock that only moves when told.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) now() time.Time   { return *c.t.Load() }
func (c *clock) set(t time.Time)  { c.t.Store(&t) }

// wipeBot runs the real dialogues on in-memory stores behind the fake Bot
// API, with the idle wipe looking every 5 ms on the test clock.
type wipeBot struct {
	api      *telegramtest.Server
	sessions *memstore.Store
	trails   *memstore.Trails
	log      *syncWriter
}

func startWipeBot(t *testing.T, c *clock) wipeBot {
	t.Helper()
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	b := wipeBot{api: telegramtest.New(t, tgToken), sessions: memstore.NewWithClock(c.now), trails: &memstore.Trails{}, log: &syncWriter{w: &bytes.Buffer{}}}
	svc := flows.NewService(b.sessions, dir, flows.Options{Langs: []string{"it", "en"}, Now: c.now})
	startTelegram(t, b.api, bot.TelegramConfig{
		Handler: svc, Wiper: svc, Trail: b.trails, Now: c.now, WipeEvery: 5 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(b.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	return b
}

// waitVisible waits until exactly the messages want are visible in a chat.
func waitVisible(t *testing.T, api *telegramtest.Server, chat int64, want []int) {
	t.Helper()
	deadline := time.Now().Add(tgWait)
	for !slices.Equal(api.Visible(chat), want) {
		if time.Now().After(deadline) {
			t.Fatalf("chat %d shows %v, want %v", chat, api.Visible(chat), want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// settled waits until the trail of a chat holds every message the fake
// API knows of it: the trail write follows the send.
func (b wipeBot) settled(t *testing.T, chat int64) {
	t.Helper()
	deadline := time.Now().Add(tgWait)
	for {
		tr, _ := b.trails.Peek(chat)
		if len(tr.Messages) >= len(b.api.Messages(chat)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat %d: trail %v, messages %v", chat, tr.Messages, b.api.Messages(chat))
		}
		time.Sleep(time.Millisecond)
	}
}

// deletedIDs are the ids of every deleteMessages call to a chat, checking
// that no call carried more than 100.
func deletedIDs(t *testing.T, api *telegramtest.Server, chat int64) []int {
	t.Helper()
	var all []int
	for _, p := range api.Requests("deleteMessages") {
		if p["chat_id"] != strings.TrimSpace(jsonInt(chat)) {
			continue
		}
		var ids []int
		if err := json.Unmarshal([]byte(p["message_ids"]), &ids); err != nil || len(ids) == 0 || len(ids) > 100 {
			t.Errorf("deleteMessages message_ids %q", p["message_ids"])
		}
		all = append(all, ids...)
	}
	slices.Sort(all)
	return all
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestWipeBothSides: after a long conversation, Exit deletes every message
// of both sides, in calls of at most 100 ids, and nothing of hers is kept.
func TestWipeBothSides(t *testing.T) {
	c := newClock(time.Date(2027, 3, 16, 10, 30, 0, 0, directory.Rome))
	b := startWipeBot(t, c)
	const her = 424242
	b.api.Command(her, "it", "start", "")
	for i := range 60 { // as she does: each once the last is answered
		b.api.WaitSent(t, i+1, tgWait)
		b.api.Text(her, "it", "Crema")
	}
	b.api.WaitSent(t, 61, tgWait)
	b.settled(t, her)
	all := b.api.Messages(her)
	b.api.Press(her, "it", "exit")
	waitVisible(t, b.api, her, nil)
	if got := deletedIDs(t, b.api, her); !slices.Equal(got, all) {
		t.Errorf("deleted %d ids, want all %d of the chat", len(got), len(all))
	}
	if n := b.api.Calls("deleteMessages"); n < 2 {
		t.Errorf("%d deleteMessages calls for %d ids, want batches of 100", n, len(all))
	}
	if _, found, _ := b.sessions.Session(context.Background(), her); found {
		t.Error("her session survived the exit")
	}
	if _, found, _ := b.trails.TakeTrail(context.Background(), her, time.Time{}); found {
		t.Error("her trail survived the exit")
	}
	if logs := b.log.String(); strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "424242") || strings.Contains(logs, "Crema") {
		t.Errorf("errors, her id or her words logged:\n%s", logs)
	}
}

// TestIdleWipe: with the test clock, the chat is wiped 30 minutes after her
// last message and not before; one who chose 5 minutes and a neutral
// message is wiped at 5 minutes and finds only that message.
func TestIdleWipe(t *testing.T) {
	t0 := time.Date(2027, 3, 16, 10, 30, 0, 0, directory.Rome)
	c := newClock(t0)
	b := startWipeBot(t, c)
	const her, other = 111, 222
	b.api.Command(her, "it", "start", "")
	b.api.Command(other, "it", "start", "")
	b.api.WaitSent(t, 2, tgWait)
	b.api.Press(other, "it", "leave:on")
	b.api.Press(other, "it", "idle:5")
	b.api.WaitSent(t, 4, tgWait)
	b.settled(t, her)
	b.settled(t, other)

	c.set(t0.Add(6 * time.Minute))
	b.api.WaitCalls(t, "deleteMessages", 1, tgWait)
	left := b.api.WaitSent(t, 5, tgWait)[4]
	waitVisible(t, b.api, other, []int{left.MessageID})
	if left.ChatID != other || left.Text != "it|wipe.left" || !left.DisableNotification || left.ReplyMarkup != nil {
		t.Errorf("the message left after the idle wipe: %+v", left)
	}
	if _, found, _ := b.sessions.Session(context.Background(), other); found {
		t.Error("her session survived the idle wipe")
	}

	c.set(t0.Add(29 * time.Minute))
	b.api.Text(her, "it", "Crema")
	b.api.WaitSent(t, 6, tgWait)
	b.settled(t, her)

	c.set(t0.Add(58 * time.Minute))
	time.Sleep(50 * time.Millisecond)
	if v := b.api.Visible(her); len(v) != 4 {
		t.Fatalf("before her 30 minutes were up the chat shows %v, want her 2 messages and 2 replies", v)
	}
	c.set(t0.Add(59*time.Minute + time.Second))
	waitVisible(t, b.api, her, nil)
	if _, found, _ := b.sessions.Session(context.Background(), her); found {
		t.Error("her session survived the idle wipe")
	}
	if strings.Contains(b.log.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", b.log)
	}
}

// TestTooOldNotAttempted: a message older than 48 hours is neither sent to
// deleteMessages nor an error; with the idle wipe off nothing is deleted by
// itself, and the trail is dropped when it can no longer be used.
func TestTooOldNotAttempted(t *testing.T) {
	t0 := time.Date(2027, 3, 16, 10, 30, 0, 0, directory.Rome)
	c := newClock(t0)
	b := startWipeBot(t, c)
	const her, other = 333, 444
	b.api.Command(her, "it", "start", "")
	b.api.Command(other, "it", "start", "")
	b.api.Press(her, "it", "idle:off")
	b.api.Press(other, "it", "idle:off")
	b.api.WaitSent(t, 4, tgWait)
	b.settled(t, her)
	b.settled(t, other)
	old := b.api.Messages(her)

	// Her choices live in her session, which lasts 24 hours after her
	// last message: she writes again at 23 and 46 hours.
	c.set(t0.Add(23 * time.Hour))
	b.api.Text(her, "it", "Crema")
	b.api.WaitSent(t, 5, tgWait)
	b.settled(t, her)
	c.set(t0.Add(46 * time.Hour))
	b.api.Text(her, "it", "Cremona")
	b.api.WaitSent(t, 6, tgWait)
	b.settled(t, her)
	recent := slices.DeleteFunc(b.api.Messages(her), func(id int) bool { return slices.Contains(old, id) })

	c.set(t0.Add(49 * time.Hour))
	time.Sleep(50 * time.Millisecond)
	if b.api.Calls("deleteMessages") != 0 {
		t.Fatalf("with the idle wipe off, messages were deleted by themselves: %s", b.log)
	}
	if _, found, _ := b.trails.TakeTrail(context.Background(), other, t0.Add(time.Hour)); found {
		t.Error("a trail that can no longer be used was kept past 47 hours")
	}
	b.api.Command(her, "it", "exit", "")
	waitVisible(t, b.api, her, old)
	exitID := b.api.Messages(her)[len(b.api.Messages(her))-1]
	if got, want := deletedIDs(t, b.api, her), append(recent, exitID); !slices.Equal(got, want) {
		t.Errorf("deleted %v, want only the messages younger than 48 hours %v", got, want)
	}
	if v := b.api.Visible(other); len(v) != 3 {
		t.Errorf("the other chat shows %v, want its 3 messages untouched", v)
	}
	if strings.Contains(b.log.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", b.log)
	}
}

// gatedTrail holds every Track until the gate opens.
type gatedTrail struct {
	*memstore.Trails
	gate chan struct{}
}

func (g gatedTrail) Track(ctx context.Context, chat int64, ids []int, at, due time.Time, idle bool) error {
	<-g.gate
	return g.Trails.Track(ctx, chat, ids, at, due, idle)
}

// TestExitWaitsForTrailWrites: an update is acknowledged without waiting
// for its trail to be written, yet an Exit right after it still deletes
// its messages: the take waits for the write begun before.
func TestExitWaitsForTrailWrites(t *testing.T) {
	c := newClock(time.Date(2027, 3, 16, 10, 30, 0, 0, directory.Rome))
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	api := telegramtest.New(t, tgToken)
	trails := gatedTrail{&memstore.Trails{}, make(chan struct{})}
	svc := flows.NewService(memstore.NewWithClock(c.now), dir, flows.Options{Langs: []string{"it"}, Now: c.now})
	startTelegram(t, api, bot.TelegramConfig{Handler: svc, Wiper: svc, Trail: trails, Now: c.now, WipeEvery: time.Hour})
	const her = 515151
	id := api.Command(her, "it", "start", "")
	api.WaitSent(t, 1, tgWait)
	waitOffset(t, api, id+1) // acknowledged while its trail write waits
	all := api.Messages(her)
	api.Press(her, "it", "exit")
	time.Sleep(50 * time.Millisecond)
	if n := api.Calls("deleteMessages"); n != 0 {
		t.Fatalf("the chat was wiped before the trail write ended (%d calls)", n)
	}
	close(trails.gate)
	waitVisible(t, api, her, nil)
	if got := deletedIDs(t, api, her); !slices.Equal(got, all) {
		t.Errorf("deleted %v, want every message of the chat %v", got, all)
	}
}

// panicWiper panics instead of forgetting her state.
type panicWiper struct{}

func (panicWiper) Wipe(_ context.Context, chat int64) (flows.Result, error) {
	panic("wipe of " + jsonInt(chat))
}

// TestIdleWipePanicLogsNoID: a panic in an idle wipe is logged by its kind
// and where it happened, never with her chat id, and the bot goes on.
func TestIdleWipePanicLogsNoID(t *testing.T) {
	c := newClock(time.Date(2027, 3, 16, 10, 30, 0, 0, directory.Rome))
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	api, logs := telegramtest.New(t, tgToken), &syncWriter{w: &bytes.Buffer{}}
	svc := flows.NewService(memstore.NewWithClock(c.now), dir, flows.Options{Langs: []string{"it"}, Now: c.now})
	trails := &memstore.Trails{}
	startTelegram(t, api, bot.TelegramConfig{Handler: svc, Wiper: panicWiper{}, Trail: trails, Now: c.now,
		WipeEvery: 5 * time.Millisecond, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	const her = 987654321
	api.Command(her, "it", "start", "")
	deadline := time.Now().Add(tgWait)
	for tr, _ := trails.Peek(her); len(tr.Messages) < 2; tr, _ = trails.Peek(her) {
		if time.Now().After(deadline) {
			t.Fatal("her trail was never written")
		}
		time.Sleep(time.Millisecond)
	}
	c.set(c.now().Add(time.Hour))
	for !strings.Contains(logs.String(), "idle_wipe_panic") {
		if time.Now().After(deadline) {
			t.Fatalf("no idle_wipe_panic logged:\n%s", logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if out := logs.String(); strings.Contains(out, jsonInt(her)) || strings.Contains(out, "3ade68b1") {
		t.Errorf("the log holds her id:\n%s", out)
	}
	api.Command(her+1, "it", "start", "")
	api.WaitSent(t, 2, tgWait)
}
