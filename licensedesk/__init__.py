"""licensedesk: the license dashboard for resellers of video-management software."""
