-- The conformed channels.
-- columns:
--   channel: Channel code.
--   channel_name: English name.
--   channel_name_zh: Chinese name.
--   is_realtime: Served live (voice, chat, video, messaging) rather than deferred (email, ticket).
-- tests:
--   unique: channel
select * from (values
    ('voice', 'Voice', '电话', true),
    ('callback', 'Callback', '回呼', true),
    ('chat', 'Chat', '在线客服', true),
    ('messaging', 'Messaging', '消息', true),
    ('video', 'Video', '视频', true),
    ('email', 'Email', '邮件', false),
    ('sms', 'SMS', '短信', false),
    ('social', 'Social', '社交媒体', false),
    ('web', 'Web', '网页', false),
    ('app', 'App', '应用', false),
    ('ticket', 'Ticket', '工单', false)
) as t(channel, channel_name, channel_name_zh, is_realtime)
