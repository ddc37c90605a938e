#!/usr/bin/env bash
# Regenerates the small test videos in this folder from ffmpeg's lavfi
# sources. The outputs are committed so that tests never depend on the exact
# encoder build; run this only to change them (ffmpeg 5.1 made the current ones).
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

# sample.mp4: 12 s, three scenes with hard cuts at 4 s and 8 s, H.264 with B-frames, AAC audio.
#   0-4 s testsrc2 (moving pattern), 4-8 s SMPTE bars (static), 8-12 s a blue field with a moving box.
ff -f lavfi -i "testsrc2=s=320x240:r=25:d=4" \
   -f lavfi -i "smptebars=s=320x240:r=25:d=4" \
   -f lavfi -i "color=c=navy:s=320x240:r=25:d=4" \
   -f lavfi -i "color=c=yellow:s=60x60:r=25:d=4" \
   -f lavfi -i "sine=f=440:d=12" \
   -filter_complex "[2:v][3:v]overlay=x=t*60:y=90[mov];[0:v][1:v][mov]concat=n=3:v=1:a=0[v]" -map "[v]" -map 4:a \
   -c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest sample.mp4

# rotated.mp4: 2 s of 320x240 stored sideways; displays as 240x320.
ff -f lavfi -i "testsrc2=s=320x240:r=10:d=2" -c:v libx264 -crf 32 -pix_fmt yuv420p rotated.tmp.mp4
ff -i rotated.tmp.mp4 -c copy -metadata:s:v:0 rotate=90 rotated.mp4 && rm rotated.tmp.mp4

# anamorphic.webm: 2 s of 160x240 VP9 with 2:1 pixels; displays as 320x240.
ff -f lavfi -i "testsrc2=s=160x240:r=10:d=2,setsar=2/1" -c:v libvpx-vp9 -b:v 100k -deadline realtime anamorphic.webm

# offset.ts: MPEG-TS, whose timestamps start near 1.4 s, not 0; 3 s with a cut at 1.5 s.
ff -f lavfi -i "color=c=red:s=160x120:r=10:d=1.5" -f lavfi -i "color=c=green:s=160x120:r=10:d=1.5" \
   -filter_complex "[0:v][1:v]concat=n=2:v=1:a=0[v]" -map "[v]" -c:v mpeg2video -q:v 8 offset.ts

# audio.m4a: audio only, no video stream.
ff -f lavfi -i "sine=f=300:d=1" -c:a aac -b:a 24k audio.m4a
