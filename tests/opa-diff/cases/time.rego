package diff.time

import rego.v1

rfc3339 := time.parse_rfc3339_ns(input.stamp)

date := time.date(time.parse_rfc3339_ns(input.stamp))

clock := time.clock(time.parse_rfc3339_ns(input.stamp))

weekday := time.weekday(time.parse_rfc3339_ns(input.stamp))

in_zone := time.date([time.parse_rfc3339_ns(input.stamp), "America/New_York"])

next_month := time.add_date(time.parse_rfc3339_ns(input.stamp), 0, 1, 0)

diff_from_2020 := time.diff(time.parse_rfc3339_ns(input.stamp), time.parse_rfc3339_ns("2020-02-29T12:00:00Z"))

formatted := time.format(time.parse_rfc3339_ns(input.stamp))

layout := time.parse_ns("2006-01-02", input.day)

duration := time.parse_duration_ns(input.duration)

before_now := time.parse_rfc3339_ns(input.stamp) < time.now_ns()
