package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/bot"
	"frontdoor/bot/telegramtest"
	"frontdoor/flows"
)

// tgToken is planted in logs and errors checks: it must never show up.
const tgToken = "987001:PLANTED-secret-TOKEN-zz9"

// tgWait bounds waits that only a failure reaches; generous because
// other packages' tests may share the CPUs.
const tgWait = 30 * time.Second

// tgHandlerFunc is a stub Handler.
type tgHandlerFunc func(ctx context.Context, in flows.Input) (flows.Result, error)

func (f tgHandlerFunc) Handle(ctx context.Context, in flows.Input) (flows.Result, error) {
	return f(ctx, in)
}

// tgRenderer renders a reply as "lang|" and its texts (IDs, or the raw
// text) joined by "/", HTML-escaped; button labels are their text IDs.
type tgRenderer struct{}

func (tgRenderer) Render(lang string, r flows.Reply) bot.Message {
	var parts []string
	for _, t := range r.Texts {
		if t.ID == flows.RawID {
			parts = append(parts, fmt.Sprint(t.Data["Text"]))
		} else {
			parts = append(parts, t.ID)
		}
	}
	m := bot.Message{Text: html.EscapeString(lang + "|" + strings.Join(parts, "/")), Protect: r.Protect, To: r.To, Document: r.Document}
	for _, row := range r.Buttons {
		var mrow []bot.MessageButton
		for _, b := range row {
			mrow = append(mrow, bot.MessageButton{Label: b.Label.ID, Data: b.Data})
		}
		m.Buttons = append(m.Buttons, mrow)
	}
	if r.AskLocation {
		m.LocationLabel = "Share my position"
	}
	return m
}

// reply is a Result with one raw text reply.
func reply(lang, text string) flows.Result {
	return flows.Result{Lang: lang, Replies: []flows.Reply{{Texts: []flows.Text{flows.Raw(text)}}}, Event: "test"}
}

// inputs is a Handler that records every Input and answers "ok".
type inputs struct {
	mu  sync.Mutex
	got []flows.Input
}

func (r *inputs) Handle(_ context.Context, in flows.Input) (flows.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, in)
	return reply(in.Lang, "ok"), nil
}

func (r *inputs) all() []flows.Input {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]flows.Input(nil), r.got...)
}

// newTelegram builds a transport against srv from cfg, with the test token,
// and by default a handler that answers nothing and tgRenderer.
func newTelegram(t testing.TB, srv *telegramtest.Server, cfg bot.TelegramConfig) *bot.Telegram {
	t.Helper()
	cfg.Token, cfg.Endpoint = tgToken, srv.Endpoint()
	if cfg.Handler == nil {
		cfg.Handler = tgHandlerFunc(nil)
	}
	if cfg.Renderer == nil {
		cfg.Renderer = tgRenderer{}
	}
	tg, err := bot.NewTelegram(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewTelegram: %v", err)
	}
	return tg
}

// startTelegram builds a transport against srv and runs it until the test
// ends; the returned stop cancels Run and returns its error.
func startTelegram(t testing.TB, srv *telegramtest.Server, cfg bot.TelegramConfig) (stop func() error) {
	t.Helper()
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = time.Second
	}
	tg := newTelegram(t, srv, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tg.Run(ctx) }()
	stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(tgWait):
			return errors.New("Run did not return after cancel")
		}
	})
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return stop
}

func TestTelegramInputs(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	h := &inputs{}
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})

	u1 := srv.Text(11, "it", "ciao <tu>")
	srv.WaitSent(t, 1, tgWait)
	u2 := srv.Command(11, "it", "Lang", "en  please")
	srv.WaitSent(t, 2, tgWait)
	u3 := srv.Press(11, "en", "centre:7")
	srv.WaitSent(t, 3, tgWait)
	u4 := srv.Location(11, 45.133, 10.02)
	srv.WaitSent(t, 4, tgWait)

	want := []flows.Input{
		{Chat: 11, From: 11, Update: int64(u1), Lang: "it", Kind: flows.KindText, Text: "ciao <tu>"},
		{Chat: 11, From: 11, Update: int64(u2), Lang: "it", Kind: flows.KindCommand, Command: "lang", Args: "en  please"},
		{Chat: 11, From: 11, Update: int64(u3), Lang: "en", Kind: flows.KindButton, Data: "centre:7", Message: 4},
		{Chat: 11, From: 11, Update: int64(u4), Lang: "en", Kind: flows.KindLocation, Lat: 45.133, Lon: 10.02},
	}
	got := h.all()
	if len(got) != len(want) {
		t.Fatalf("handler got %d inputs, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("input %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if a := srv.Answered(); len(a) != 1 || a[0] == "" {
		t.Errorf("answered callback queries = %v, want the one pressed", a)
	}
}

// TestTelegramContactNumber: Telegram gives a shared contact's number with
// its country code but without the plus; the dialogues get it in
// international form, Italian or not, and a number with its plus as it is.
func TestTelegramContactNumber(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	h := &inputs{}
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})
	shared := []string{"393470000000", "447911123456", "+39 347 000 0000"}
	for i, phone := range shared {
		srv.Contact(11, phone)
		srv.WaitSent(t, i+1, tgWait)
	}
	var got []string
	for _, in := range h.all() {
		if in.Kind != flows.KindContact {
			t.Errorf("input %+v, want a contact", in)
		}
		got = append(got, in.Phone)
	}
	if want := []string{"+393470000000", "+447911123456", "+39 347 000 0000"}; !slices.Equal(got, want) {
		t.Errorf("the dialogues got %q, want %q", got, want)
	}
}

func TestTelegramIgnoresAndOtherKinds(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	h := &inputs{}
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})

	group := &tgbotapi.Message{MessageID: 1, From: &tgbotapi.User{ID: 5}, Chat: &tgbotapi.Chat{ID: -100, Type: "supergroup"}, Text: "hi"}
	srv.AddUpdate(tgbotapi.Update{Message: group})
	srv.AddUpdate(tgbotapi.Update{ChannelPost: &tgbotapi.Message{MessageID: 2, Chat: &tgbotapi.Chat{ID: -200, Type: "channel"}, Text: "x"}})
	edited := &tgbotapi.Message{MessageID: 3, From: &tgbotapi.User{ID: 12}, Chat: &tgbotapi.Chat{ID: 12, Type: "private"}, Text: "edit"}
	srv.AddUpdate(tgbotapi.Update{EditedMessage: edited})
	// A malformed command entity longer than the text must not panic.
	bad := &tgbotapi.Message{MessageID: 4, From: &tgbotapi.User{ID: 12}, Chat: &tgbotapi.Chat{ID: 12, Type: "private"}, Text: "/x",
		Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: 40}}}
	srv.AddUpdate(tgbotapi.Update{Message: bad})
	sticker := &tgbotapi.Message{MessageID: 5, From: &tgbotapi.User{ID: 12, LanguageCode: "uk"}, Chat: &tgbotapi.Chat{ID: 12, Type: "private"},
		Sticker: &tgbotapi.Sticker{FileID: "s"}}
	sid := srv.AddUpdate(tgbotapi.Update{Message: sticker})
	srv.WaitSent(t, 3, tgWait)

	got := h.all()
	if len(got) != 3 {
		t.Fatalf("handler got %+v, want the group message (marked), the malformed command and the sticker only", got)
	}
	// Chats run in parallel: take the group's input out, keep the order of the rest.
	gi := slices.IndexFunc(got, func(in flows.Input) bool { return in.Chat == -100 })
	if gi < 0 {
		t.Fatalf("no input of the group in %+v", got)
	}
	if want := (flows.Input{Chat: -100, From: 5, Update: got[gi].Update, Kind: flows.KindText, Text: "hi", Group: true}); !reflect.DeepEqual(got[gi], want) {
		t.Errorf("group message = %+v, want %+v", got[gi], want)
	}
	got = slices.Delete(got, gi, gi+1)
	if got[0].Kind != flows.KindText || got[0].Text != "/x" {
		t.Errorf("malformed command = %+v, want plain text", got[0])
	}
	if want := (flows.Input{Chat: 12, From: 12, Update: int64(sid), Lang: "uk", Kind: flows.KindText}); !reflect.DeepEqual(got[1], want) {
		t.Errorf("sticker = %+v, want %+v", got[1], want)
	}
}

func TestTelegramSendsDiscreetly(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	onSent := make(chan [2]int64, 10)
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		return flows.Result{Lang: "it", Replies: []flows.Reply{
			{Texts: []flows.Text{flows.Raw("plain & simple")}},
			{Texts: []flows.Text{flows.T("centre")}, Protect: true, Buttons: [][]flows.Button{
				{{Label: flows.T("call"), Data: "call:1"}, {Label: flows.T("map"), Data: "map:1"}},
				{{Label: flows.T("exit"), Data: "exit"}},
			}},
			{Texts: []flows.Text{flows.T("where")}, AskLocation: true, Buttons: [][]flows.Button{{{Label: flows.T("no"), Data: "n"}}}},
		}}, nil
	})
	startTelegram(t, srv, bot.TelegramConfig{Handler: h, OnSent: func(chat int64, id int) { onSent <- [2]int64{chat, int64(id)} }})
	srv.Text(21, "it", "help")
	sent := srv.WaitSent(t, 3, tgWait)
	for i := range sent {
		select {
		case got := <-onSent:
			if want := [2]int64{21, int64(sent[i].MessageID)}; got != want {
				t.Errorf("OnSent(%d, %d), want %v", got[0], got[1], want)
			}
		case <-time.After(tgWait):
			t.Fatalf("OnSent not called for message %d", i)
		}
	}

	for i, m := range sent {
		if m.ChatID != 21 || m.ParseMode != "HTML" || !m.DisableNotification {
			t.Errorf("message %d = %+v, want chat 21, HTML, silent", i, m)
		}
	}
	// Written to her (no audience named): protected, like all of hers.
	if m := sent[0]; m.Text != "it|plain &amp; simple" || !m.ProtectContent || m.ReplyMarkup != nil {
		t.Errorf("plain message = %+v", m)
	}
	if m := sent[1]; !m.ProtectContent || m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) != 2 ||
		len(m.ReplyMarkup.InlineKeyboard[0]) != 2 || m.ReplyMarkup.InlineKeyboard[0][1].Text != "map" ||
		*m.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "map:1" || *m.ReplyMarkup.InlineKeyboard[1][0].CallbackData != "exit" {
		t.Errorf("protected message with buttons = %+v (markup %+v)", m, m.ReplyMarkup)
	}
	if m := sent[2]; m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) != 0 || len(m.ReplyMarkup.Keyboard) != 1 ||
		len(m.ReplyMarkup.Keyboard[0]) != 1 || !m.ReplyMarkup.Keyboard[0][0].RequestLocation ||
		m.ReplyMarkup.Keyboard[0][0].Text != "Share my position" || !m.ReplyMarkup.OneTimeKeyboard || !m.ReplyMarkup.ResizeKeyboard {
		t.Errorf("location message = %+v (markup %+v)", m, m.ReplyMarkup)
	}
}

// TestTelegramButtonDataTooLong: a button whose data Telegram would refuse
// (a mistake of the dialogues, which TestButtonDataFitsTelegram looks for)
// is left out, so that the message and its other buttons still arrive;
// the log says so, counted as an event, without the data.
func TestTelegramButtonDataTooLong(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	long := "town:" + strings.Repeat("Casalbuttano ed Uniti ", 3)
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		return flows.Result{Lang: "it", Replies: []flows.Reply{{Texts: []flows.Text{flows.T("centre")}, Buttons: [][]flows.Button{
			{{Label: flows.T("town"), Data: long}},
			{{Label: flows.T("exit"), Data: "exit"}, {Label: flows.T("also"), Data: long}},
		}}}}, nil
	})
	var logs syncLog
	startTelegram(t, srv, bot.TelegramConfig{Handler: h, Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	srv.Text(21, "it", "help")
	m := srv.WaitSent(t, 1, tgWait)[0]
	if m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) != 1 || len(m.ReplyMarkup.InlineKeyboard[0]) != 1 ||
		*m.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "exit" {
		t.Errorf("sent %+v (markup %+v), want the message with its exit button alone", m, m.ReplyMarkup)
	}
	if l := logs.String(); !strings.Contains(l, `"event":"button_data_too_long"`) || !strings.Contains(l, `"buttons":2`) || strings.Contains(l, "Casalbuttano") {
		t.Errorf("the log:\n%s", l)
	}
}

func TestTelegramChatsConcurrentEachInOrder(t *testing.T) {
	const chats, perChat = 50, 10
	srv := telegramtest.New(t, tgToken)
	var running, maxRunning atomic.Int32
	var mu sync.Mutex
	seen := map[int64]int{}
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n); m = maxRunning.Load() {
		}
		mu.Lock()
		seen[in.Update]++
		mu.Unlock()
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		return reply("it", in.Text), nil
	})
	logs := &syncWriter{w: &bytes.Buffer{}}
	startTelegram(t, srv, bot.TelegramConfig{Handler: h, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	defer func() { t.Log(logs.String()) }()

	// Interleaved: round i sends the i-th message of every chat. The first
	// half arrives at once (several batches of 100), the rest while the
	// bot is busy.
	for i := range perChat {
		for c := range chats {
			srv.Text(int64(1000+c), "it", strconv.Itoa(i))
		}
		if i == perChat/2 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	t0 := time.Now()
	srv.WaitSent(t, chats*perChat, 2*tgWait)
	t.Logf("all replies in %v", time.Since(t0))

	for c := range chats {
		got := srv.SentTo(int64(1000 + c))
		if len(got) != perChat {
			t.Fatalf("chat %d got %d replies, want %d", c, len(got), perChat)
		}
		for i, m := range got {
			if want := "it|" + strconv.Itoa(i); m.Text != want {
				t.Fatalf("chat %d reply %d = %q, want %q (out of order)", c, i, m.Text, want)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for id, n := range seen {
		if n != 1 {
			t.Errorf("update %d delivered to the handler %d times", id, n)
		}
	}
	if len(seen) != chats*perChat {
		t.Errorf("%d updates handled, want %d", len(seen), chats*perChat)
	}
	if m := maxRunning.Load(); m < 2 {
		t.Errorf("max concurrent handlers = %d, want chats handled in parallel", m)
	}
	t.Logf("max concurrent handlers: %d; getUpdates calls: %d", maxRunning.Load(), srv.Calls("getUpdates"))
}

func TestTelegramOffsetAdvancesOnlyAfterHandling(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	var calls atomic.Int32
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		calls.Add(1)
		if in.Chat == 31 {
			entered <- struct{}{}
			<-release
		}
		return reply(in.Lang, "done"), nil
	})
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})

	id := srv.Text(31, "it", "x")
	<-entered
	before := srv.Calls("getUpdates")
	// While chat 31 waits, another chat is served: one slow chat does not
	// hold up the others.
	other := srv.Text(32, "it", "y")
	if sent := srv.WaitSent(t, 1, tgWait); sent[0].ChatID != 32 {
		t.Fatalf("chat 32 was not served while chat 31 was being handled: %+v", sent)
	}
	time.Sleep(300 * time.Millisecond)
	if n := srv.Calls("getUpdates") - before; n > 30 {
		t.Errorf("getUpdates called %d times in 300 ms while an update was in flight: a busy loop", n)
	}
	for _, o := range srv.Offsets() {
		if o > id {
			t.Fatalf("offset %d acknowledged update %d before it was handled (offsets %v)", o, id, srv.Offsets())
		}
	}
	close(release)
	srv.WaitSent(t, 2, tgWait)
	waitOffset(t, srv, other+1)
	if n := calls.Load(); n != 2 {
		t.Errorf("handler called %d times, want 2", n)
	}
}

func TestTelegramHandlerErrorIsAcknowledged(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	var calls atomic.Int32
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		calls.Add(1)
		switch in.Text {
		case "fail":
			return flows.Result{}, errors.New("store down")
		case "panic":
			panic("boom")
		case "dup":
			return flows.Result{Duplicate: true, Replies: reply("it", "must not be sent").Replies}, nil
		}
		return reply(in.Lang, in.Text), nil
	})
	startTelegram(t, srv, bot.TelegramConfig{Handler: h})
	srv.Text(41, "it", "fail")
	srv.Text(41, "it", "panic")
	srv.Text(41, "it", "dup")
	last := srv.Text(41, "it", "after")
	sent := srv.WaitSent(t, 1, tgWait)
	if len(sent) != 1 || sent[0].Text != "it|after" {
		t.Errorf("sent = %+v, want only the reply to the last update", sent)
	}
	waitOffset(t, srv, last+1)
	if n := calls.Load(); n != 4 {
		t.Errorf("handler called %d times, want 4 (no re-delivery)", n)
	}
}

func TestTelegramRetryAfterOnSend(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	srv.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	startTelegram(t, srv, bot.TelegramConfig{Handler: &inputs{}})
	srv.Text(51, "it", "x")
	srv.WaitSent(t, 1, tgWait)
	if n := srv.Calls("sendMessage"); n != 2 {
		t.Errorf("sendMessage called %d times, want 2 (one 429, one retry)", n)
	}
}

func TestTelegramSendRetriesThenGivesUp(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	logs := &syncWriter{w: &bytes.Buffer{}}
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		return flows.Result{Lang: "it", Replies: []flows.Reply{
			{Texts: []flows.Text{flows.Raw("first")}},
			{Texts: []flows.Text{flows.Raw("second")}},
			{Texts: []flows.Text{flows.Raw("third")}},
		}}, nil
	})
	// first: 502 then 502 -> given up after MaxRetries=1; second: 400, not
	// retried; third: sent.
	srv.FailNext("sendMessage", 2, http.StatusBadGateway, 0)
	srv.FailNext("sendMessage", 1, http.StatusBadRequest, 0)
	startTelegram(t, srv, bot.TelegramConfig{Handler: h, MaxRetries: 1, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	srv.Text(61, "it", "x")
	sent := srv.WaitSent(t, 1, tgWait)
	if len(sent) != 1 || sent[0].Text != "it|third" {
		t.Errorf("sent = %+v, want only the third reply", sent)
	}
	if n := srv.Calls("sendMessage"); n != 4 {
		t.Errorf("sendMessage called %d times, want 4 (2 + 1 + 1)", n)
	}
	time.Sleep(50 * time.Millisecond)
	if s := logs.String(); strings.Count(s, `"msg":"send_failed"`) != 2 || !strings.Contains(s, `"code":502`) || !strings.Contains(s, `"code":400`) {
		t.Errorf("logs = %s, want two send_failed events with codes 502 and 400", s)
	}
}

func TestTelegramRetryAfterOnGetUpdates(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	srv.FailNext("getUpdates", 1, http.StatusTooManyRequests, 1)
	srv.Text(71, "it", "x")
	startTelegram(t, srv, bot.TelegramConfig{Handler: &inputs{}})
	srv.WaitSent(t, 1, tgWait)
	if n := srv.Calls("getUpdates"); n < 2 {
		t.Errorf("getUpdates called %d times, want the 429 then a retry", n)
	}
}

func TestTelegramRunStopsDuringLongPoll(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	stop := startTelegram(t, srv, bot.TelegramConfig{Handler: &inputs{}, PollTimeout: 50 * time.Second})
	srv.WaitCalls(t, "getUpdates", 1, tgWait)
	time.Sleep(100 * time.Millisecond) // well inside the long poll
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// The fake caps long polls at MaxLongPoll (3 s): returning well before
	// shows the request was aborted.
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Run returned %v after cancel, want promptly", d)
	}
}

func TestTelegramShutdownFinishesTheBatch(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	entered := make(chan struct{})
	h := tgHandlerFunc(func(ctx context.Context, in flows.Input) (flows.Result, error) {
		close(entered)
		time.Sleep(200 * time.Millisecond) // committing, while Run is told to stop
		if ctx.Err() != nil {
			return flows.Result{}, ctx.Err()
		}
		return reply(in.Lang, "committed"), nil
	})
	stop := startTelegram(t, srv, bot.TelegramConfig{Handler: h})
	id := srv.Text(81, "it", "x")
	<-entered
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if sent := srv.Sent(); len(sent) != 1 || sent[0].Text != "it|committed" {
		t.Errorf("sent = %+v, want the reply of the update in flight", sent)
	}
	if o := srv.Offsets(); o[len(o)-1] != id+1 {
		t.Errorf("offsets = %v, want the handled update acknowledged on the way out", o)
	}
}

func TestNewTelegramErrorsHideToken(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	const wrong = "555:WRONG-secret-token-abc"
	cfg := bot.TelegramConfig{Token: wrong, Endpoint: srv.Endpoint(), Handler: &inputs{}, Renderer: tgRenderer{}}
	_, err := bot.NewTelegram(context.Background(), cfg)
	if err == nil || err.Error() != "telegram: the token was refused (401 Unauthorized)" || !errors.Is(err, bot.ErrTokenRefused) {
		t.Errorf("bad token: err = %v", err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there any more
	cfg.Endpoint = "http://" + addr + "/bot%s/%s"
	_, err = bot.NewTelegram(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "cannot reach") || strings.Contains(err.Error(), "WRONG-secret") {
		t.Errorf("unreachable: err = %v", err)
	}
	t.Logf("unreachable: %v", err)

	cfg.Endpoint = "http://" + addr + "/bot%s"
	if _, err = bot.NewTelegram(context.Background(), cfg); err == nil || strings.Contains(err.Error(), "WRONG-secret") {
		t.Errorf("bad endpoint format: err = %v", err)
	}
}

// syncWriter makes a buffer safe for concurrent log writes.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

// failingTransport fails the first getUpdates with a transport error, whose
// message carries the URL and so the token.
type failingTransport struct{ failed atomic.Bool }

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/getUpdates") && f.failed.CompareAndSwap(false, true) {
		return nil, errors.New("connection reset by peer")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestTelegramLogsArePrivate(t *testing.T) {
	const chat = 987654321987
	const text, user, phone = "PLANTED-words-she-wrote", "planted_username", "+393331234567"
	srv := telegramtest.New(t, tgToken)
	logs := &syncWriter{w: &bytes.Buffer{}}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		if in.Text == "fail" {
			return flows.Result{}, fmt.Errorf("store: %s", text)
		}
		return reply(in.Lang, in.Text), nil
	})
	srv.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	startTelegram(t, srv, bot.TelegramConfig{Handler: h, Log: log, HTTPClient: &http.Client{Transport: &failingTransport{}}})

	srv.Text(chat, "it", text)
	srv.Text(chat, "it", "fail")
	srv.Location(chat, 45.987654, 9.123456)
	srv.Press(chat, "it", "data-"+phone)
	srv.AddUpdate(tgbotapi.Update{Message: &tgbotapi.Message{MessageID: 99,
		From: &tgbotapi.User{ID: chat, UserName: user, LanguageCode: "it"}, Chat: &tgbotapi.Chat{ID: chat, Type: "private", UserName: user},
		Contact: &tgbotapi.Contact{PhoneNumber: phone, UserID: chat}}})
	srv.WaitSent(t, 4, tgWait)
	time.Sleep(50 * time.Millisecond)

	out := logs.String()
	for _, secret := range []string{tgToken, "PLANTED-secret", strconv.Itoa(chat), text, user, phone, "45.98", "9.123"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q:\n%s", secret, out)
		}
	}
	for _, event := range []string{"update_handled", "poll_error", "handler_error", "<token>"} {
		if !strings.Contains(out, event) {
			t.Errorf("logs lack %q:\n%s", event, out)
		}
	}
}

func BenchmarkTelegramUpdate(b *testing.B) {
	srv := telegramtest.New(b, tgToken)
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		return reply(in.Lang, "ok"), nil
	})
	startTelegram(b, srv, bot.TelegramConfig{Handler: h})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		srv.Text(1, "it", "hello")
		srv.WaitSent(b, i+1, tgWait)
	}
}

// waitOffset waits until the bot acknowledges every update below want.
func waitOffset(t *testing.T, srv *telegramtest.Server, want int) {
	t.Helper()
	deadline := time.Now().Add(tgWait)
	for {
		offsets := srv.Offsets()
		if len(offsets) > 0 && offsets[len(offsets)-1] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("offset never reached %d: %v", want, offsets)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestTelegramGetMeRetried: a Bot API briefly down at start (5xx) does not
// stop the bot; a refused token still fails at once.
func TestTelegramGetMeRetried(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	srv.FailNext("getMe", 2, http.StatusBadGateway, 0)
	if _, err := bot.NewTelegram(context.Background(), bot.TelegramConfig{
		Token: tgToken, Endpoint: srv.Endpoint(), Handler: tgHandlerFunc(nil), Renderer: tgRenderer{},
	}); err != nil {
		t.Fatalf("NewTelegram after two 502: %v", err)
	}
	if n := srv.Calls("getMe"); n != 3 {
		t.Errorf("getMe called %d times, want 3", n)
	}
	wrong := telegramtest.New(t, tgToken)
	_, err := bot.NewTelegram(context.Background(), bot.TelegramConfig{
		Token: "999:WRONG-secret-token-value-xyz", Endpoint: wrong.Endpoint(), Handler: tgHandlerFunc(nil), Renderer: tgRenderer{},
	})
	if !errors.Is(err, bot.ErrTokenRefused) {
		t.Errorf("a refused token: %v, want ErrTokenRefused", err)
	}
}

// TestTelegramPanicLogsNoID: a handler that panics is logged by the kind of
// update only: the stack trace printed arguments, and so her Telegram id.
func TestTelegramPanicLogsNoID(t *testing.T) {
	srv := telegramtest.New(t, tgToken)
	const her = 987654321
	h := tgHandlerFunc(func(_ context.Context, in flows.Input) (flows.Result, error) {
		if in.Text == "panic" {
			panic(fmt.Sprintf("boom for %d", in.Chat))
		}
		return reply(in.Lang, in.Text), nil
	})
	logs := &syncWriter{w: &bytes.Buffer{}}
	startTelegram(t, srv, bot.TelegramConfig{Handler: h, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	srv.Text(her, "it", "panic")
	srv.Text(her, "it", "after")
	srv.WaitSent(t, 1, tgWait)
	out := logs.String()
	if !strings.Contains(out, "handler_panic") || !strings.Contains(out, "TestTelegramPanicLogsNoID") {
		t.Fatalf("no handler_panic line saying where:\n%s", out)
	}
	for _, id := range []string{strconv.Itoa(her), strconv.FormatInt(her, 16)} {
		if strings.Contains(strings.ToLower(out), id) {
			t.Errorf("the log holds her id (%s):\n%s", id, out)
		}
	}
}
