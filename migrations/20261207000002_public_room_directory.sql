-- The public room directory (GET /v1/directory/rooms): public group rooms, most members first.
-- Partial, so that direct and private rooms cost it nothing.
CREATE INDEX rooms_public_directory ON rooms (member_count DESC, last_activity_at DESC, room_id)
    WHERE visibility = 'public';
