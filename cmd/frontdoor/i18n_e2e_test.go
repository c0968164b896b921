package main

import (
	"strings"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
)

// TestTelegramLanguages: the real wiring answers in her app's language
// (regional variants included), falls back to Italian with English one tap
// away, and sets the command menu for every language at start.
func TestTelegramLanguages(t *testing.T) {
	api := telegramtest.New(t, testToken)
	startBot(t, api, t.TempDir())

	for _, tc := range []struct {
		chat   int64
		client string
		hello  string
	}{
		{5001, "uk-UA", "Вітаю"},
		{5002, "ar", "مرحباً"},
		{5003, "zh-hans", "您好"},
		{5004, "pt-BR", "Olá"},
		{5005, "de", "Ciao"},
	} {
		api.Command(tc.chat, tc.client, "start", "")
		welcome := waitChat(t, api, tc.chat, 1)[0]
		if !strings.HasPrefix(welcome.Text, tc.hello) {
			t.Errorf("client %q: welcome %q, want it to start with %q", tc.client, welcome.Text, tc.hello)
		}
		english := welcome.ReplyMarkup != nil && *welcome.ReplyMarkup.InlineKeyboard[0][0].CallbackData == "lang:en"
		if english != (tc.client == "de") {
			t.Errorf("client %q: English as the first button: %v", tc.client, english)
		}
	}

	langs := map[string]bool{}
	for deadline := time.Now().Add(10 * time.Second); len(langs) < 14 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, s := range api.CommandSets() {
			langs[s.Lang] = true
		}
	}
	for _, l := range []string{"", "it", "en", "ar", "es", "fa", "fr", "pl", "pt", "ro", "ru", "sq", "uk", "zh"} {
		if !langs[l] {
			t.Errorf("no command menu for %q", l)
		}
	}
}
