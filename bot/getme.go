package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// FetchUsername asks the Bot API (getMe) for the bot's username, for deep links
// and posters. Errors never show the token.
func FetchUsername(ctx context.Context, token, endpoint string, client *http.Client) (string, error) {
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	if client == nil {
		client = &http.Client{}
	}
	cctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, ctxDoer{cctx, client})
	if err != nil {
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && apiErr.Code == http.StatusUnauthorized {
			return "", fmt.Errorf("%w (401 Unauthorized)", ErrTokenRefused)
		}
		return "", fmt.Errorf("telegram: getMe: %s", redact(token, err.Error()))
	}
	return api.Self.UserName, nil
}
