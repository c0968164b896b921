package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
)

const testToken = "123456:AAFakeTokenForTestsOnly_abcdefghij"

// syncBuffer is a bytes.Buffer safe for the bot's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBot runs `frontdoor` against a fake Bot API on dataDir, as a process
// would; stop cancels it like SIGTERM and returns its exit status and log.
// extraEnv are more variables, as name, value pairs.
func startBot(t testing.TB, api *telegramtest.Server, dataDir string, extraEnv ...string) (stop func() (int, string)) {
	t.Helper()
	env := map[string]string{
		"FRONTDOOR_TELEGRAM_TOKEN": testToken,
		"FRONTDOOR_TELEGRAM_API":   api.Endpoint(),
		"FRONTDOOR_DATA":           dataDir,
		// Parallel tests must not fight for the default metrics port.
		"FRONTDOOR_HTTP": "off",
	}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, logs)
	}()
	var once sync.Once
	var code int
	stop = func() (int, string) {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(15 * time.Second):
				t.Fatal("the bot did not stop within 15 s of its signal")
			}
		})
		return code, logs.String()
	}
	t.Cleanup(func() { stop() })
	return stop
}

// last returns the last message sent to a chat, waiting for the n-th.
func waitChat(t *testing.T, api *telegramtest.Server, chat int64, n int) []telegramtest.Sent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sent := api.SentTo(chat)
		if len(sent) >= n {
			return sent
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat got %d messages, want %d: %+v", len(sent), n, sent)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func buttonData(s telegramtest.Sent) []string {
	var data []string
	if s.ReplyMarkup == nil {
		return nil
	}
	for _, row := range s.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil {
				data = append(data, *b.CallbackData)
			}
		}
	}
	return data
}

// TestTelegram drives the real binary's wiring through a fake Bot API: the
// real telegram-bot-api client, flows, the sealed bbolt store and the
// message catalogue all run.
func TestTelegram(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := t.TempDir()
	stop := startBot(t, api, dataDir)
	const her = 987654321

	api.Command(her, "it", "start", "")
	sent := waitChat(t, api, her, 1)
	welcome := sent[0]
	if !strings.HasPrefix(welcome.Text, "Ciao") || welcome.ParseMode != "HTML" || !welcome.DisableNotification {
		t.Errorf("welcome: %+v", welcome)
	}
	if got := strings.Join(buttonData(welcome), " "); got != "find open sos lang privacy exit about" {
		t.Errorf("menu buttons: %q", got)
	}

	api.Press(her, "it", "find")
	sent = waitChat(t, api, her, 3)
	if k := sent[1].ReplyMarkup; k == nil || len(k.Keyboard) != 1 || !k.Keyboard[0][0].RequestLocation || !k.OneTimeKeyboard {
		t.Errorf("the town prompt offers no location button: %+v", sent[1])
	}
	if got := strings.Join(buttonData(sent[2]), " "); got != "net:arca net:amaranta sos menu exit" {
		t.Errorf("areas: %q", got)
	}
	if n := len(api.Answered()); n != 1 {
		t.Errorf("%d callback queries answered, want 1 (the spinner must stop)", n)
	}

	api.Text(her, "it", "crema")
	sent = waitChat(t, api, her, 4)
	card := sent[3]
	if !strings.Contains(card.Text, "+390000000111") || !strings.Contains(card.Text, "Dati di esempio") || !card.ProtectContent {
		t.Errorf("card: %+v", card)
	}

	api.Location(her, 45.3641234, 9.6811234)
	sent = waitChat(t, api, her, 5)
	if near := sent[4].Text; !strings.Contains(near, "1. <b>ARCA Crema</b>, Crema (350 m)") || !strings.Contains(near, "km)") {
		t.Errorf("nearest centres:\n%s", near)
	}

	api.Press(her, "it", "sos")
	sent = waitChat(t, api, her, 6)
	if !strings.Contains(sent[5].Text, "<b>1522</b>") || !sent[5].ProtectContent {
		t.Errorf("numbers: %+v", sent[5])
	}

	api.Command(7, "en-GB", "start", "")
	if got := waitChat(t, api, 7, 1)[0].Text; !strings.HasPrefix(got, "Hello") {
		t.Errorf("an English client got %q", got)
	}

	code, logs := stop()
	if code != 0 {
		t.Errorf("exit status %d after the signal; log:\n%s", code, logs)
	}
	// Seven decimals: no duration in the log can spell them by chance.
	for _, secret := range []string{strconv.Itoa(her), "crema", "45.3641234", "9.6811234", testToken, "AAFakeToken"} {
		if strings.Contains(strings.ToLower(logs), strings.ToLower(secret)) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "frontdoor.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(strconv.Itoa(her))) || bytes.Contains(raw, []byte{0, 0, 0, 0, 0x3a, 0xde, 0x68, 0xb1}) {
		t.Errorf("the raw database contains her chat id")
	}
}

// TestFiftyChatsInterleaved: updates of fifty chats arrive mixed together;
// each chat gets its replies in the order of its own messages.
func TestFiftyChatsInterleaved(t *testing.T) {
	api := telegramtest.New(t, testToken)
	startBot(t, api, t.TempDir())
	const chats = 50
	steps := []struct {
		send func(chat int64)
		want string // the first words of the reply
	}{
		{func(c int64) { api.Command(c, "it", "start", "") }, "Ciao"},
		{func(c int64) { api.Press(c, "it", "sos") }, "Numeri utili"},
		{func(c int64) { api.Text(c, "it", "Cremona") }, "📌 Cremona"},
		{func(c int64) { api.Press(c, "it", "lang:en") }, "All right"},
		{func(c int64) { api.Text(c, "it", "Bresso") }, "📌 Bresso"},
	}
	for _, st := range steps {
		for c := int64(1); c <= chats; c++ {
			st.send(1000 + c)
		}
	}
	for c := int64(1); c <= chats; c++ {
		sent := waitChat(t, api, 1000+c, len(steps))
		if len(sent) != len(steps) {
			t.Fatalf("chat %d got %d messages, want %d", c, len(sent), len(steps))
		}
		for i, st := range steps {
			if !strings.HasPrefix(sent[i].Text, st.want) {
				t.Errorf("chat %d, reply %d: %q, want it to start with %q", c, i+1, sent[i].Text, st.want)
			}
		}
	}
	// All of them leave at once: every chat is wiped, and only its own.
	for c := int64(1); c <= chats; c++ {
		api.Press(1000+c, "it", "exit")
	}
	deadline := time.Now().Add(10 * time.Second)
	for c := int64(1); c <= chats; c++ {
		for len(api.Visible(1000+c)) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("chat %d still shows %v", c, api.Visible(1000+c))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if n := api.Calls("deleteMessages"); n != chats {
		t.Errorf("%d deleteMessages calls, want one per chat", n)
	}
}

// TestTooManyRequests: a 429 from Telegram is waited out and the reply
// still reaches her.
func TestTooManyRequests(t *testing.T) {
	api := telegramtest.New(t, testToken)
	api.FailNext("sendMessage", 1, 429, 1)
	startBot(t, api, t.TempDir())
	api.Command(5, "it", "start", "")
	if got := waitChat(t, api, 5, 1)[0].Text; !strings.HasPrefix(got, "Ciao") {
		t.Errorf("got %q", got)
	}
	if n := api.Calls("sendMessage"); n != 2 {
		t.Errorf("sendMessage called %d times, want 2 (one refused, one after retry_after)", n)
	}
}

// TestRestartHandlesNoUpdateTwice: the bot handled updates and stopped
// before Telegram heard they were handled (a crash between commit and
// acknowledgement); Telegram delivers them again to the restarted bot,
// which answers none of them twice and goes on with the next.
func TestRestartHandlesNoUpdateTwice(t *testing.T) {
	dataDir := t.TempDir()
	const her = 31337
	first := telegramtest.New(t, testToken)
	stop := startBot(t, first, dataDir)
	ids := []int{
		first.Command(her, "it", "start", ""),
		first.Press(her, "it", "find"),
		first.Text(her, "it", "Crema"),
	}
	waitChat(t, first, her, 4)
	if code, logs := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, logs)
	}

	// A new fake API that never heard the acknowledgement: same updates,
	// same ids, then one new message.
	second := telegramtest.New(t, testToken)
	again := []int{
		second.Command(her, "it", "start", ""),
		second.Press(her, "it", "find"),
		second.Text(her, "it", "Crema"),
	}
	if fmt.Sprint(again) != fmt.Sprint(ids) {
		t.Fatalf("the second fake gave ids %v, want %v", again, ids)
	}
	startBot(t, second, dataDir)
	second.Text(her, "it", "Bresso")
	sent := waitChat(t, second, her, 1)
	second.WaitCalls(t, "getUpdates", 2, 10*time.Second)
	time.Sleep(200 * time.Millisecond) // room for a wrong duplicate reply to show up
	sent = second.SentTo(her)
	if len(sent) != 1 || !strings.HasPrefix(sent[0].Text, "📌 Bresso") {
		t.Fatalf("after the restart she got %d messages, want only the answer to the new one: %+v", len(sent), sent)
	}
}

// BenchmarkUpdate measures one update through the whole path: fake Bot API
// → long poll → flows → sealed bbolt commit (fsync) → sendMessage.
func BenchmarkUpdate(b *testing.B) {
	api := telegramtest.New(b, testToken)
	startBot(b, api, b.TempDir())
	const chat = 77
	api.Command(chat, "it", "start", "")
	api.WaitSent(b, 1, 10*time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		api.Text(chat, "it", "Crema")
		for api.SentCount(chat) < i+2 {
			time.Sleep(20 * time.Microsecond)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkUpdateParallel is BenchmarkUpdate with many chats at once: chats
// are handled concurrently and their commits share fsyncs.
func BenchmarkUpdateParallel(b *testing.B) {
	api := telegramtest.New(b, testToken)
	startBot(b, api, b.TempDir())
	var next sync.Mutex
	chat := int64(1000)
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		next.Lock()
		chat++
		me := chat
		next.Unlock()
		n := 0
		for pb.Next() {
			api.Text(me, "it", "Crema")
			n++
			for api.SentCount(me) < n {
				time.Sleep(50 * time.Microsecond)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}
