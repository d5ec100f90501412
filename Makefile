# PGXS build of the workitem extension (C++20), its pg_regress and isolation suites,
# and the project's entry points (up, down, test) for people and CI.

EXTENSION   = workitem
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)
MODULE_big  = workitem

CORE_SRCS  := $(sort $(wildcard extension/core/src/*.cpp))
GLUE_SRCS  := $(sort $(wildcard extension/pg/*/*.cpp))
OBJS        = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)

# The install script of the version in development is built from the live parts (below); released
# versions' install scripts are frozen files, and every upgrade step is a script of its own.
DATA_built  = extension/sql/$(EXTENSION)--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard extension/sql/$(EXTENSION)--*.sql))
EXTRA_CLEAN = extension/sql/$(EXTENSION)--$(EXTVERSION).sql $(OBJS:.o=.d)

# pg_regress: every sql/NAME.sql against expected/NAME.out, on a private temporary server.
REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --temp-instance=tmp_check --temp-config=tests/regress.conf --load-extension=$(EXTENSION)
# Isolation specs (races): tests/isolation/specs/NAME.spec against tests/isolation/expected/NAME.out.
ISOLATION      = $(patsubst tests/isolation/specs/%.spec,%,$(sort $(wildcard tests/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=tests/isolation --temp-instance=tmp_check_iso \
                 --temp-config=tests/regress.conf --load-extension=$(EXTENSION)
# The timer suite: tests/timers/sql/NAME.sql against tests/timers/expected/NAME.out, on a server
# with the library preloaded (the timer launcher runs: a timer in every database with the extension).
TIMERS      = $(patsubst tests/timers/sql/%.sql,%,$(sort $(wildcard tests/timers/sql/*.sql)))
TIMERS_OPTS = --inputdir=tests/timers --outputdir=tests/timers --temp-instance=tmp_check_timers \
              --temp-config=tests/timers.conf --load-extension=$(EXTENSION) --dbname=workitem_timers

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)

# Debian's PGXS would also build LLVM bitcode with clang-14, which ignores PG_CXXFLAGS.
override with_llvm = no

PG_CPPFLAGS  = -Iextension/core/include -Iextension/pg -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CXXFLAGS  = -std=c++20 -fPIC -fvisibility-inlines-hidden -Wall -Wextra -Werror -Wno-register \
               -Wno-missing-field-initializers -Wno-unused-parameter -MMD -MP
SHLIB_LINK  += -lfmt -Wl,--version-script=$(CURDIR)/extension/pg/exports.map

include $(PGXS)

# Link with the C++ driver so libstdc++ is linked (PGXS links with gcc by default).
override COMPILER = $(CXX) $(CXXFLAGS)

# Header dependency tracking: -MMD writes a .d beside each object.
-include $(OBJS:.o=.d)

# The install script: the main file, then each part under extension/sql/parts/ in name order
# (timers, consumers... each part owns the objects of one capability).
SQL_PARTS := extension/sql/$(EXTENSION).sql $(sort $(wildcard extension/sql/parts/*.sql))
$(DATA_built): $(SQL_PARTS)
	cat $^ > $@

.PHONY: up down test
up:
	scripts/up
down:
	scripts/down
test:
	scripts/test

# Run the SQL suites separately (each on its own temporary server).
.PHONY: installcheck-regress installcheck-isolation installcheck-timers
installcheck-regress:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)
installcheck-isolation:
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)
installcheck-timers:
	$(pg_regress_installcheck) $(TIMERS_OPTS) $(TIMERS)
