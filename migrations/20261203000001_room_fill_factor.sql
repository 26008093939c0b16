-- Room rows and membership rows are updated in place all the time: every post moves its room's
-- counters and preview and its author's membership counters, every read marker a membership.
-- None of the columns those updates set is indexed, so with room left on the row's page the new
-- version goes there as a HOT update: no new entry in any index, and the dead version is pruned
-- on the page. Tables filled to the brim (the default) sent every first update of a row to
-- another page with new index entries: a rebuild spent more time on those updates than on
-- inserting the messages. Rebuilds copy these settings into the tables they fill.
ALTER TABLE rooms SET (fillfactor = 70);
ALTER TABLE room_members SET (fillfactor = 70);
