# tribunal: plain Makefile. `make deps demo` then `make test` on a fresh Debian 12.
PKGS     = libgit2 libcurl libcjson yaml-0.1 libxml-2.0 libpcre2-8 zlib
CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
# OPT carries optimization and sanitizer flags (make asan sets it); CFLAGS from the command line
# would replace the include paths, so the Makefile owns CFLAGS.
OPT     ?= -O2 -g
override CFLAGS := $(OPT) $(CFLAGS) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
           -Wmissing-prototypes -I. $(shell pkg-config --cflags $(PKGS))
# libcurl and libxml2 are opened at run time (llm/curl_dl.h, report/xml_dl.h), so they are not
# linked: commands that never use them do not pay for mapping them
LDLIBS  += $(shell pkg-config --libs $(filter-out libcurl libxml-2.0,$(PKGS))) -ldl -lpthread -lm
TEST_LDLIBS = $(shell pkg-config --libs cmocka libxml-2.0)

MODULES  = util config diff rules agents llm findings report publish
LIB_SRC  = $(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.c))) $(filter-out cmd/main.c,$(wildcard cmd/*.c))
PROMPTS  = $(sort $(wildcard prompts/*.md))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/prompts.o
HELPER_SRC = $(wildcard tests/helpers/*.c)
HELPER_OBJ = $(HELPER_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 20

DEBIAN_PKGS = build-essential pkg-config git clang libclang-rt-14-dev \
	libgit2-dev libcurl4-openssl-dev libcjson-dev libyaml-dev libxml2-dev libxml2-utils \
	libpcre2-dev libcmocka-dev zlib1g-dev python3 python3-jsonschema jq time curl ca-certificates

.PHONY: all deps demo test unit integration asan fuzz bench eval install clean lint
all: $(BUILD)/tribunal

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# the prompts are compiled into the binary (--prompts DIR overrides them at run time)
$(BUILD)/gen/prompts.c: $(PROMPTS) prompts/embed.sh
	@mkdir -p $(dir $@)
	sh prompts/embed.sh $@ $(PROMPTS)

$(BUILD)/obj/gen/prompts.o: $(BUILD)/gen/prompts.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libtribunal.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tribunal: $(BUILD)/obj/cmd/main.o $(BUILD)/libtribunal.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(HELPER_OBJ) $(BUILD)/libtribunal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-missing-field-initializers $(LDFLAGS) -o $@ $< $(HELPER_OBJ) $(BUILD)/libtribunal.a $(LDLIBS) $(TEST_LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
deps:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $(DEBIAN_PKGS)
	@# the machine image ships Node 20 with npm; Debian's would break it, so only when missing
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y nodejs npm; fi

demo: $(BUILD)/tribunal
	sh examples/demo.sh $(BUILD)/tribunal

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

integration: $(BUILD)/tribunal $(UNIT_BIN)
	TRIBUNAL=$(CURDIR)/$(BUILD)/tribunal sh tests/integration/run.sh

test: unit integration

asan:
	$(MAKE) BUILD=build/asan CC=clang \
		OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" VALIDATE=/bin/true test
	@# the format validators already ran in `make test`; here the same outputs are checked for
	@# memory errors only (VALIDATE=/bin/true), which halves the run

fuzz: $(BUILD)/gen/prompts.c
	@mkdir -p $(BUILD)/fuzz
	@set -e; for src in $(FUZZ_SRC); do \
		name=$$(basename $$src .c); \
		echo "== $$name ($(FUZZ_SECONDS)s)"; \
		clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
			$$(pkg-config --cflags $(PKGS)) -o $(BUILD)/fuzz/$$name $$src \
			$(filter-out cmd/%,$(LIB_SRC)) $(BUILD)/gen/prompts.c $(LDLIBS); \
		mkdir -p $(BUILD)/fuzz/corpus-$$name; \
		$(BUILD)/fuzz/$$name -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			$(BUILD)/fuzz/corpus-$$name tests/fuzz/corpus/$$name; \
	done

bench: $(BUILD)/tribunal
	sh bench/run.sh $(CURDIR)/$(BUILD)/tribunal

# precision and recall on bench/eval with whatever real provider the environment configures
eval: $(BUILD)/tribunal
	sh bench/eval/run.sh $(CURDIR)/$(BUILD)/tribunal

install: $(BUILD)/tribunal
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/tribunal $(DESTDIR)$(PREFIX)/bin/tribunal
	install -m 644 docs/tribunal.1 $(DESTDIR)$(PREFIX)/share/man/man1/tribunal.1

lint:
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets|alloca)\s*\(' \
		$(LIB_SRC) cmd/main.c || (echo "lint: banned function above" && false)

clean:
	rm -rf build
