// Package dirfile reads and writes the directory file: the networks,
// centres, opening hours and closures of frontdoor in a TOML file that
// volunteers edit in a text editor and load with `frontdoor directory
// import` (or send to the bot). It also carries the sample directory of the
// two seed networks, which doubles as the commented example of the format
// (see SampleFile).
//
// The format:
//
//	sample = false                  # true marks invented data
//
//	[[network]]                     # one block for each network
//	id = "arca"
//	name = "ARCA – Rete antiviolenza del Comune di Cremona"
//	short_name = "ARCA"             # optional: buttons and lists show it
//	province = "CR"
//	phone_24h = "335 123 4567"      # always answers; "" for none
//
//	[[centre]]                      # one block for each centre or desk
//	id = "arca-crema"
//	network = "arca"                # the id of a [[network]]
//	name = "Centro antiviolenza ARCA – Crema"
//	short_name = "ARCA Crema"       # optional, at most 32 characters
//	town = "Crema"
//	address = "Via Giuseppe Mazzini 31"
//	address_confidential = false    # true: the address is never shown
//	lat = 45.3628                   # decimal degrees, required
//	lon = 9.6852
//	phones = ["0373 000111"]        # as people write them
//	towns = ["Crema", "Offanengo"]  # covered towns, its own too
//	languages = ["it", "inglese"]   # ISO 639-1 codes or names
//	services = ["listening", "legal"] # keys of directory.ServiceKeys
//	open_on_holidays = false        # false: closed on public holidays
//	draft = false                   # true: women do not see it yet
//
//	[centre.hours]                  # mon tue wed thu fri sat sun
//	mon = ["9:00-13:00", "14:00-18:00"]
//	fri = ["20:00-2:00"]            # ends before it starts: runs past midnight
//	sat = []                        # closed (a missing day is closed too)
//
//	[[centre.closure]]              # any number, after the centre's hours
//	from = "2026-12-24"             # or "24/12/2026"; both ends included
//	to = "2027-01-06"
//	reason = "chiusura per le feste"
//
// Values are read as the bot reads what volunteers type: phones by
// directory.ParsePhones (stored as +39…), languages by directory.ParseLanguages,
// slots by directory.ParseSlot ("9-13", "9.00 – 13", "2pm-6pm"; a day may be
// one text, "9-13, 15-18"), days by directory.ParseDate (with the year). Text
// is trimmed of surrounding spaces.
//
// EncodeCommented writes a short comment above every value, in the
// reader's language (Commenter); Decode skips comments, so export, import,
// export gives the same file.
//
// Decode is strict: an unknown key, a value of the wrong type or form, a
// duplicate id or a centre of a network that does not exist is an error, and
// every problem of the file is reported at once as a *directory.Problem, naming
// its line, its network or centre, its field and a message id that the bot
// and the command line show in the volunteer's language:
//
//	riga 42 · centro «arca-crema» · hours.mon «9-13:00x»: «13:00x» non è un orario …
//
// The checks of directory.New run on every file too, and their problems
// get a line in the same way, so Decode never returns data the bot would
// refuse. Problems come in the order of the file.
package dirfile
