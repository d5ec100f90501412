#include <gtest/gtest.h>

#include "workitem/core/decide.hpp"

TEST(Smoke, Builds) { EXPECT_EQ(workitem::core::sqlstate(workitem::core::ErrorCode::not_found), "WI404"); }
