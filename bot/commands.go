package bot

import (
	"context"
	"log/slog"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// MenuTexts gives Telegram's command menu its descriptions in every
// language; *locales.Catalog implements it. The first of Langs is the
// language of the menu shown to clients whose language has none.
type MenuTexts interface {
	Langs() []string
	Text(lang, id string, data map[string]any, count any) (text string, ok bool)
}

// MenuCommands are the commands Telegram's menu offers, one per action of
// the dialogue (flows accepts these and their Italian aliases). Names are
// Latin and lower case, as Telegram requires; only the descriptions, message
// ids "command.<name>", are translated. "numbers" rather than "sos": the
// menu can be read over her shoulder.
func MenuCommands() []string {
	return []string{"start", "menu", "find", "open", "numbers", "lang", "privacy", "exit"}
}

// StaffCommands are added to the menu of staff chats; their descriptions
// are message ids "command.<name>" too.
func StaffCommands() []string { return []string{"staff", "audit", "roles", "invite", "stats"} }

// setChatMenu gives one chat the staff's menu, in her language, or takes
// it back to the menu of every private chat.
func (t *Telegram) setChatMenu(ctx context.Context, chat int64, lang string, change flows.MenuChange) {
	menu := t.cfg.Menu
	if menu == nil || change == flows.MenuUnchanged {
		return
	}
	scope := tgbotapi.NewBotCommandScopeChat(chat)
	var c tgbotapi.Chattable = tgbotapi.NewDeleteMyCommandsWithScope(scope)
	if change == flows.MenuStaff {
		c = tgbotapi.NewSetMyCommandsWithScope(scope, t.commandList(ctx, lang, append(MenuCommands(), StaffCommands()...))...)
	}
	if err := t.request(ctx, c); err != nil {
		t.log.LogAttrs(ctx, slog.LevelWarn, "set_chat_menu_failed", t.chatAttr(chat),
			logattr.Code(errorCode(err)), logattr.Err(err))
	}
}

// setCommands sets the command menu of private chats once per language (the
// menu Telegram shows a client whose language_code matches) and once with
// no language, in the fallback language. Failures are logged: a missing
// menu must not keep the bot from answering.
func (t *Telegram) setCommands(ctx context.Context) {
	menu := t.cfg.Menu
	if menu == nil {
		return
	}
	langs := menu.Langs()
	if len(langs) == 0 {
		return
	}
	for _, lang := range append([]string{""}, langs...) {
		textLang := lang
		if lang == "" {
			textLang = langs[0]
		}
		cmds := t.commandList(ctx, textLang, MenuCommands())
		cfg := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeAllPrivateChats(), lang, cmds...)
		if err := t.request(ctx, cfg); err != nil {
			t.log.LogAttrs(ctx, slog.LevelWarn, "set_commands_failed", logattr.Lang(lang),
				logattr.Code(errorCode(err)), logattr.Err(err))
		}
	}
}

// commandList is the menu entries of the commands names, described in
// lang; a missing description is logged.
func (t *Telegram) commandList(ctx context.Context, lang string, names []string) []tgbotapi.BotCommand {
	cmds := make([]tgbotapi.BotCommand, 0, len(names))
	for _, name := range names {
		desc, ok := t.cfg.Menu.Text(lang, "command."+name, nil, nil)
		if !ok {
			t.log.LogAttrs(ctx, slog.LevelWarn, "command_text_missing", logattr.Lang(lang), logattr.Command(name))
		}
		cmds = append(cmds, tgbotapi.BotCommand{Command: name, Description: desc})
	}
	return cmds
}

// request makes a call that answers true, retrying like send does.
func (t *Telegram) request(ctx context.Context, c tgbotapi.Chattable) error {
	_, err := retry(ctx, t.maxRetries, sendDelay, func() error {
		cctx, cancel := context.WithTimeout(ctx, requestTimeout)
		defer cancel()
		_, err := t.bot(cctx).Request(c)
		return t.redactErr(err)
	}, nil)
	return err
}
