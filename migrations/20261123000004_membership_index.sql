-- Gateways read a user's room memberships straight from the event store when a client
-- connects (the read models may trail the relay's membership notices by a moment); this
-- partial index keeps that lookup proportional to the user's memberships.
CREATE INDEX events_room_membership ON events ((payload ->> 'user_id'), aggregate_id, sequence)
    WHERE aggregate_type = 'room' AND event_type IN ('MemberJoined', 'MemberLeft');
