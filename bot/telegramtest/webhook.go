package telegramtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SecretHeader is the header that carries a webhook's secret_token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// webhookRetry is how long the fake waits before posting an update again
// after the webhook refused it or could not be reached.
const webhookRetry = 50 * time.Millisecond

// WebhookURL returns the webhook set with setWebhook, or "" when the bot
// uses getUpdates.
func (s *Server) WebhookURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hookURL
}

// WebhookSecret returns the secret_token of the webhook set, or "".
func (s *Server) WebhookSecret() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hookSecret
}

// Delivered returns the ids of the updates the webhook accepted (answered
// 2xx), in order.
func (s *Server) Delivered() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.delivered...)
}

// setWebhook checks the URL and the secret like Telegram does, keeps them,
// and starts posting the queued updates.
func (s *Server) setWebhook(p map[string]string) (any, *apiError) {
	u, err := url.Parse(p["url"])
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("bad webhook: an HTTPS URL must be provided for webhook")
	}
	secret := p["secret_token"]
	if len(secret) > 256 {
		return nil, badRequest("secret token is too long")
	}
	for _, r := range secret {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return nil, badRequest("secret token contains unallowed characters")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p["drop_pending_updates"] == "true" {
		s.updates = nil
	}
	s.hookURL, s.hookSecret = u.String(), secret
	s.hookGen++
	s.notify()
	go s.deliver(s.hookGen, s.hookURL, secret)
	return true, nil
}

// deleteWebhook removes the webhook, so that getUpdates works again;
// queued updates stay unless drop_pending_updates is true.
func (s *Server) deleteWebhook(p map[string]string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p["drop_pending_updates"] == "true" {
		s.updates = nil
	}
	s.hookURL, s.hookSecret = "", ""
	s.hookGen++
	s.notify()
	return true
}

func (s *Server) webhookInfo() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{"url": s.hookURL, "has_custom_certificate": false, "pending_update_count": len(s.updates)}
}

// deliver posts queued updates to the webhook of generation gen, oldest
// first, until another setWebhook or deleteWebhook or the end of the test.
func (s *Server) deliver(gen int, hook, secret string) {
	client := &http.Client{Timeout: 30 * time.Second}
	for {
		s.mu.Lock()
		if s.hookGen != gen {
			s.mu.Unlock()
			return
		}
		var next *tgbotapi.Update
		if len(s.updates) > 0 {
			u := s.updates[0]
			next = &u
		}
		ch := s.changed
		s.mu.Unlock()
		if next == nil {
			select {
			case <-ch:
				continue
			case <-s.hookDone:
				return
			}
		}
		if s.post(client, hook, secret, *next) {
			s.mu.Lock()
			if s.hookGen == gen && len(s.updates) > 0 && s.updates[0].UpdateID == next.UpdateID {
				s.updates = s.updates[1:]
				s.delivered = append(s.delivered, next.UpdateID)
				s.notify()
			}
			s.mu.Unlock()
			continue
		}
		select {
		case <-time.After(webhookRetry):
		case <-s.hookDone:
			return
		}
	}
}

// post sends one update to the webhook and reports whether it was accepted.
func (s *Server) post(client *http.Client, hook, secret string, u tgbotapi.Update) bool {
	body, err := json.Marshal(u)
	if err != nil {
		return false
	}
	req, err := http.NewRequest(http.MethodPost, hook, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode/100 == 2
}
