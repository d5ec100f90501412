// Method + path template -> target. Templates are literal segments and {name} captures
// ("/api/v1/workitems/{id}/claim"). A path no template matches is NotFound; a path whose best
// template has no target for the method is MethodNotAllowed with the methods it has (the Allow
// header). When several templates match, the one with the most literal segments wins, so
// "/api/v1/workitems/claim-next" is never read as an item id. A template may end with "/"
// ("/ui/"): it matches that path only, with its trailing slash.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace workitem::gateway {

using PathParameters = std::map<std::string, std::string, std::less<>>;

namespace routing {

// "/a/b/c" -> {"a", "b", "c"}; "/" -> {""}; a trailing slash gives a last empty segment.
inline std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    if (path.empty() || path.front() != '/') return segments;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

inline bool is_capture(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace routing

template <class Target>
class Router {
  public:
    struct Found {
        const Target* target;
        std::string_view route_template;  // for metrics and logs: never the raw path
        PathParameters parameters;
    };
    struct MethodNotAllowed {
        std::string_view route_template;
        std::string allow;  // "GET, PATCH"
    };
    struct NotFound {};
    using Result = std::variant<Found, MethodNotAllowed, NotFound>;

    // Throws std::invalid_argument for a malformed template or a method added twice.
    void add(std::string method, std::string path_template, Target target) {
        const auto segments = routing::split_path(path_template);
        if (segments.empty()) throw std::invalid_argument("a route template starts with /");
        // Only the last segment may be empty: "/ui/" (a directory's page) is its own route.
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (segments[i].empty() && (i + 1 < segments.size() || segments.size() == 1)) {
                throw std::invalid_argument("empty segment in " + path_template);
            }
        }
        Resource* resource = find_resource(path_template);
        if (resource == nullptr) {
            resources_.push_back(Resource{
                path_template, std::vector<std::string>(segments.begin(), segments.end()), {}});
            resource = &resources_.back();
        }
        for (const auto& existing : resource->methods) {
            if (existing.first == method) {
                throw std::invalid_argument(method + " " + path_template + " added twice");
            }
        }
        resource->methods.emplace_back(std::move(method), std::move(target));
    }

    // Every (method, template) added, in the order added.
    std::vector<std::pair<std::string, std::string>> routes() const {
        std::vector<std::pair<std::string, std::string>> all;
        for (const auto& resource : resources_) {
            for (const auto& entry : resource.methods) {
                all.emplace_back(entry.first, resource.path_template);
            }
        }
        return all;
    }

    Result match(std::string_view method, std::string_view path) const {
        const auto segments = routing::split_path(path);
        const Resource* best = nullptr;
        std::size_t best_literals = 0;
        for (const auto& resource : resources_) {
            std::size_t literals = 0;
            if (!matches(resource, segments, literals)) continue;
            if (best == nullptr || literals > best_literals) {
                best = &resource;
                best_literals = literals;
            }
        }
        if (best == nullptr) return NotFound{};
        for (const auto& [allowed, target] : best->methods) {
            if (allowed == method) {
                return Found{&target, best->path_template, capture(*best, segments)};
            }
        }
        std::string allow;
        for (const auto& entry : best->methods) {
            if (!allow.empty()) allow += ", ";
            allow += entry.first;
        }
        return MethodNotAllowed{best->path_template, std::move(allow)};
    }

  private:
    struct Resource {
        std::string path_template;
        std::vector<std::string> segments;
        std::vector<std::pair<std::string, Target>> methods;
    };

    Resource* find_resource(std::string_view path_template) {
        for (auto& resource : resources_) {
            if (resource.path_template == path_template) return &resource;
        }
        return nullptr;
    }

    static bool matches(const Resource& resource, const std::vector<std::string_view>& segments,
                        std::size_t& literals) {
        if (resource.segments.size() != segments.size()) return false;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (routing::is_capture(resource.segments[i])) {
                if (segments[i].empty()) return false;
            } else if (resource.segments[i] == segments[i]) {
                ++literals;
            } else {
                return false;
            }
        }
        return true;
    }

    static PathParameters capture(const Resource& resource,
                                  const std::vector<std::string_view>& segments) {
        PathParameters parameters;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            const std::string_view segment = resource.segments[i];
            if (routing::is_capture(segment)) {
                parameters.emplace(std::string(segment.substr(1, segment.size() - 2)),
                                   std::string(segments[i]));
            }
        }
        return parameters;
    }

    std::vector<Resource> resources_;
};

}  // namespace workitem::gateway
