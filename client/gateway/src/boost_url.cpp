// Boost.URL's compiled part, built into the gateway once: Debian's libboost1.81-dev ships its
// headers without a libboost_url library (Boost.URL's documented header-only mode).
#include <boost/url/src.hpp>
