package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/bot/ops"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/locales"
	"frontdoor/store"
)

// clockRig is the bot wired as serve wires it (dialogues, bbolt store,
// Telegram transport, outbox, metrics) on the fake Bot API, with a clock
// the test moves and the callback tick run by the test: what takes hours
// in a deployment takes a moment here.
type clockRig struct {
	api     *telegramtest.Server
	db      *store.DB
	svc     *flows.Service
	metrics *ops.Metrics

	mu  sync.Mutex
	now time.Time
}

func (r *clockRig) Now() time.Time { r.mu.Lock(); defer r.mu.Unlock(); return r.now }

// at moves the clock and runs the callback tick, as the ticker would.
func (r *clockRig) at(t *testing.T, now time.Time) {
	t.Helper()
	r.mu.Lock()
	r.now = now
	r.mu.Unlock()
	if err := r.svc.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// startClockRig runs the rig on a fresh data directory from now, with
// ops as receiving chats and staff as members of staff, until the test ends.
func startClockRig(t *testing.T, now time.Time, opsChats []flows.Operator, staff map[int64]flows.Staff) *clockRig {
	t.Helper()
	db := openTestStore(t, t.TempDir())
	ctx := context.Background()
	for _, op := range opsChats {
		if err := db.SaveOperator(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	for user, s := range staff {
		if err := db.SaveStaff(ctx, user, s); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	r := &clockRig{api: telegramtest.New(t, testToken), db: db, metrics: ops.NewMetrics(ops.Build{}), now: now}
	r.svc = flows.NewService(db, dir, flows.Options{Langs: cat.Langs(), Now: r.Now, Callbacks: db, Staff: db, Directory: db,
		Log: slog.New(r.metrics.CountEvents(slog.DiscardHandler))})
	renderer := bot.NewRenderer(cat)
	tg, err := bot.NewTelegram(ctx, bot.TelegramConfig{Token: testToken, Endpoint: r.api.Endpoint(), Handler: r.svc,
		Renderer: renderer, Trail: db, Wiper: r.svc, Observer: r.metrics, PollTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r.svc.SetBotUsername(tg.Username())
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = tg.Run(rctx) })
	delivery := &bot.Delivery{Outbox: db, Renderer: renderer, Doors: []bot.OutboxDoor{tg}, Undelivered: r.svc.Undelivered, Observer: r.metrics}
	wg.Go(func() { delivery.Run(rctx, 20*time.Millisecond) })
	t.Cleanup(func() { cancel(); wg.Wait() }) // before the store closes
	return r
}

// ask walks her through a callback request to centre for window, until
// she is told "✅".
func (r *clockRig) ask(t *testing.T, her int64, centre, window string) {
	t.Helper()
	act(t, r.api, her, func() { r.api.Command(her, "it", "start", "") })
	act(t, r.api, her, func() { r.api.Press(her, "it", "cb:c:"+centre) })
	act(t, r.api, her, func() { r.api.Contact(her, "+39 347 000 0000") })
	var sent []telegramtest.Sent
	for _, d := range []string{"cb:w:" + window, "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:wrong", "cb:l:it", "cb:ok"} {
		sent = act(t, r.api, her, func() { r.api.Press(her, "it", d) })
	}
	if !strings.HasPrefix(sent[len(sent)-1].Text, "✅") {
		t.Fatalf("not confirmed: %q", sent[len(sent)-1].Text)
	}
}

// rome is a wall-clock time in Italy.
func rome(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2027, month, day, hour, minute, 0, 0, directory.Rome)
}

// TestTakenRequestNotForgotten: an operator takes a request for this
// morning and forgets it. Two hours after her window she is reminded, with
// sound and the buttons to close it; a quarter of an hour later it goes
// back to the centre's chats and her number leaves her chat.
func TestTakenRequestNotForgotten(t *testing.T) {
	const group, giulia, her = -100500, 7101, 987650031
	r := startClockRig(t, rome(time.March, 16, 10, 30), []flows.Operator{{Chat: group, Centre: "arca-cremona"}}, nil)
	r.ask(t, her, "arca-cremona", "today.morning")
	card := lastTo(t, r.api, group, 1)
	time.Sleep(200 * time.Millisecond) // the outbox records the card
	r.api.PressInGroup(group, giulia, "op:take:"+ticketOf(t, card))
	number := lastTo(t, r.api, giulia, 1)
	time.Sleep(200 * time.Millisecond)

	r.at(t, rome(time.March, 16, 14, 59)) // her window ended at 13:00
	r.at(t, rome(time.March, 16, 15, 0))
	remind := lastTo(t, r.api, giulia, 2)
	if !strings.Contains(remind.Text, "è ancora aperta") || remind.DisableNotification || len(buttonData(remind)) != 3 {
		t.Errorf("the reminder: %+v, want it ringing with done, could not reach, give back", remind)
	}
	r.at(t, rome(time.March, 16, 15, 10))
	if n := r.api.SentCount(giulia); n != 2 {
		t.Errorf("%d messages to her, want no second reminder", n)
	}
	r.at(t, rome(time.March, 16, 15, 15))
	waitEdit(t, r.api, number, "non è più tua")
	if again := lastTo(t, r.api, group, 2); !strings.Contains(again.Text, "non chiusa in tempo") || again.DisableNotification {
		t.Errorf("back to the group: %+v", again)
	}
}

// TestNobodyOnCallTellsCoordinators: a request at night for "as soon as
// possible" escalates in a network where no chat is on call: the network's
// coordinator gets a message with sound, and the metric counts it. A
// request for tomorrow morning made at the same hour waits for the morning.
func TestNobodyOnCallTellsCoordinators(t *testing.T) {
	const group, coord, her, other = -100600, 8001, 987650041, 987650042
	sunday := rome(time.March, 14, 23, 0)
	r := startClockRig(t, sunday, []flows.Operator{{Chat: group, Centre: "amaranta-cinisello"}},
		map[int64]flows.Staff{coord: {Pseudonym: "C-AA", Grants: []flows.Grant{{Role: flows.RoleCoordinator, Network: "amaranta"}}}})
	r.ask(t, her, "amaranta-cinisello", "asap")
	r.ask(t, other, "amaranta-cinisello", "tomorrow.morning")
	waitChat(t, r.api, group, 2)
	r.at(t, sunday.Add(15*time.Minute))
	alert := lastTo(t, r.api, coord, 1)
	if !strings.Contains(alert.Text, "Nessuna chat è reperibile") || alert.DisableNotification || strings.Contains(alert.Text, "347") {
		t.Errorf("the coordinator's alert: %+v, want it ringing, without her number", alert)
	}
	time.Sleep(300 * time.Millisecond)
	if n := r.api.SentCount(group); n != 3 {
		t.Errorf("the group got %d messages, want the two cards and the first request again (the second waits for the morning)", n)
	}
	rec := httptest.NewRecorder()
	r.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if !strings.Contains(string(body), `frontdoor_events_total{event="callback_no_on_call"} 1`) {
		t.Errorf("the metric does not count it:\n%s", grepLines(string(body), "no_on_call"))
	}
	r.at(t, rome(time.March, 15, 9, 15)) // the morning: the second request is announced again
	if again := lastTo(t, r.api, group, 4); !strings.Contains(again.Text, "Ancora in attesa") {
		t.Errorf("at 9:15: %q", again.Text)
	}
}

// grepLines keeps the lines of s that contain word.
func grepLines(s, word string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.Contains(line, word) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// TestPurgeEmptiesTheNumber: a request taken and never closed is deleted
// at the end of the retention, and her number leaves the operator's chat.
func TestPurgeEmptiesTheNumber(t *testing.T) {
	const giulia, her = 7101, 987650051
	start := rome(time.March, 16, 10, 30)
	r := startClockRig(t, start, []flows.Operator{{Chat: giulia, Centre: "arca-cremona"}}, nil)
	r.ask(t, her, "arca-cremona", "asap")
	card := lastTo(t, r.api, giulia, 1)
	time.Sleep(200 * time.Millisecond)
	r.api.Press(giulia, "it", "op:take:"+ticketOf(t, card))
	number := lastTo(t, r.api, giulia, 2)
	time.Sleep(200 * time.Millisecond)
	r.at(t, start.Add(flows.DefaultCallbackRetention))
	if emptied := waitEdit(t, r.api, number, "è chiusa"); strings.Contains(emptied.Text, "347") {
		t.Errorf("her number after the purge: %q", emptied.Text)
	}
	if cbs, err := r.db.Callbacks(context.Background()); err != nil || len(cbs) != 0 {
		t.Errorf("after the retention: %+v %v", cbs, err)
	}
}
